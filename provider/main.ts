// The gnh resource provider: host resources of GPU nodes, changed over SSH. Started by the engine
// through ./pulumi-resource-gnh (Pulumi.yaml `plugins.providers`).
// Only the provider part of the SDK: the whole package takes twice as long to load, and the
// engine starts this process twice per `up --refresh` (for the refresh, and for the program's
// default provider).
import { CheckResult, CreateResult, DiffResult, main, Provider, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { AUDIT_RULES_TYPE, DOCKER_DAEMON_CONFIG_TYPE, FILE_MODES_TYPE, MANAGED_FILE_TYPE, NVIDIA_TOOLKIT_TYPE } from "../lib/resourceTypes";
import * as auditRules from "./auditRules";
import * as daemon from "./dockerDaemonConfig";
import * as fileModes from "./fileModes";
import * as file from "./managedFile";
import * as toolkit from "./nvidiaToolkit";
import { NodeConnection } from "../lib/nodeConnection";
import { currentConnection } from "./currentConnection";
import { installSessionCleanup } from "../transport/ssh";
import { unwrapSecrets, withSecretEffective, withSecretKey } from "./secrets";

export const PROVIDER_VERSION = "0.1.0";

/* eslint-disable @typescript-eslint/no-explicit-any */
interface ResourceHandler {
    /** olds: the inputs in state (or a refresh's); a handler may add derived inputs to news. */
    check(news: any, olds?: any): CheckResult;
    diff(olds: any, news: any): DiffResult;
    create(inputs: any): Promise<CreateResult>;
    read(id: string, props: any): Promise<ReadResult>;
    update(news: any): Promise<UpdateResult>;
    remove(props: any): Promise<void>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const handlers: Record<string, ResourceHandler> = {
    [DOCKER_DAEMON_CONFIG_TYPE]: daemon,
    [MANAGED_FILE_TYPE]: file,
    [NVIDIA_TOOLKIT_TYPE]: toolkit,
    [AUDIT_RULES_TYPE]: auditRules,
    [FILE_MODES_TYPE]: fileModes,
};

/** Secrets in a resource's outputs: the private key always, and what a resource says it holds. */
const protect = <T extends object>(outs: T): T => withSecretEffective(withSecretKey(outs as { connection?: { privateKey?: string } }) as T & { effective?: unknown });

/** Refresh and delete get the inputs recorded in state; the node is reached as its fleet file says now. */
/* eslint-disable-next-line @typescript-eslint/no-explicit-any */
async function withCurrentConnection(props: any): Promise<any> {
    return props?.connection === undefined ? props : { ...props, connection: await currentConnection(props.connection as NodeConnection) };
}

/** "urn:pulumi:stack::project::parent$gnh:host:DockerDaemonConfig::name" -> the resource's own type. */
function handlerFor(urn: string): ResourceHandler {
    const type = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
    const handler = handlers[type];
    if (handler === undefined) {
        throw new Error(`the gnh provider has no resource type ${type} (${urn})`);
    }
    return handler;
}

const provider: Provider = {
    version: PROVIDER_VERSION,
    async check(urn, olds, news) {
        const result = handlerFor(urn).check(unwrapSecrets(news), unwrapSecrets(olds ?? {}));
        // only the keys a handler derives are taken from its result: news keeps its secrets wrapped
        const derived = Object.fromEntries(Object.entries(result.inputs ?? {}).filter(([key]) => !(key in news)));
        return { inputs: { ...news, ...derived }, failures: result.failures };
    },
    async diff(_id, urn, olds, news) {
        return handlerFor(urn).diff(unwrapSecrets(olds), unwrapSecrets(news));
    },
    async create(urn, inputs) {
        const result = await handlerFor(urn).create(unwrapSecrets(inputs));
        return { id: result.id, outs: protect(result.outs) };
    },
    async read(id, urn, props) {
        const result = await handlerFor(urn).read(id, await withCurrentConnection(unwrapSecrets(props)));
        return { id: result.id, props: protect(result.props), inputs: result.inputs && withSecretKey(result.inputs) };
    },
    async update(_id, urn, _olds, news) {
        return { outs: protect((await handlerFor(urn).update(unwrapSecrets(news))).outs) };
    },
    async delete(_id, urn, props) {
        await handlerFor(urn).remove(await withCurrentConnection(unwrapSecrets(props)));
    },
};

installSessionCleanup();
main(provider, process.argv.slice(2)).catch((error) => {
    process.stderr.write(`gnh provider: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
