// The gnh resource provider: host resources of GPU nodes, changed over SSH. Started by the engine
// through ./pulumi-resource-gnh (Pulumi.yaml `plugins.providers`).
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/pulumi/provider";
import * as daemon from "./dockerDaemonConfig";
import { unwrapSecrets, withSecretKey } from "./secrets";

export const PROVIDER_VERSION = "0.1.0";

/** "urn:pulumi:stack::project::parent$gnh:host:DockerDaemonConfig::name" -> the resource's own type. */
function typeOf(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? "";
}

function unknownType(urn: string): never {
    throw new Error(`the gnh provider has no resource type ${typeOf(urn)} (${urn})`);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const provider: Provider = {
    version: PROVIDER_VERSION,
    async check(urn, _olds, news) {
        const inputs = unwrapSecrets(news) as any;
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE: {
                const result = daemon.check(inputs);
                return { inputs: news, failures: result.failures };
            }
            default:
                return unknownType(urn);
        }
    },
    async diff(_id, urn, olds, news) {
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE:
                return daemon.diff(unwrapSecrets(olds) as any, unwrapSecrets(news) as any);
            default:
                return unknownType(urn);
        }
    },
    async create(urn, inputs) {
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE: {
                const result = await daemon.create(unwrapSecrets(inputs) as any);
                return { id: result.id, outs: withSecretKey(result.outs) };
            }
            default:
                return unknownType(urn);
        }
    },
    async read(id, urn, props) {
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE: {
                const result = await daemon.read(id, unwrapSecrets(props) as any);
                return { id: result.id, props: withSecretKey(result.props), inputs: withSecretKey(result.inputs) };
            }
            default:
                return unknownType(urn);
        }
    },
    async update(_id, urn, _olds, news) {
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE: {
                const result = await daemon.update(unwrapSecrets(news) as any);
                return { outs: withSecretKey(result.outs) };
            }
            default:
                return unknownType(urn);
        }
    },
    async delete(_id, urn, props) {
        switch (typeOf(urn)) {
            case daemon.DOCKER_DAEMON_CONFIG_TYPE:
                return daemon.remove(unwrapSecrets(props) as any);
            default:
                return unknownType(urn);
        }
    },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

pulumi.provider.main(provider, process.argv.slice(2)).catch((error) => {
    process.stderr.write(`gnh provider: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
