// Program-side class for the provider's gnh:host:DockerDaemonConfig (provider/dockerDaemonConfig.ts).
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../lib/nodeConnection";
import { DaemonJson } from "../rules/daemonRules";
import { DOCKER_DAEMON_CONFIG_TYPE } from "../lib/resourceTypes";
import { OnDestroy } from "../lib/destroyPlan";


export interface DockerDaemonConfigArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    readonly settings: pulumi.Input<DaemonJson>;
    readonly overriddenKeys?: pulumi.Input<readonly string[]>;
    readonly maxParallelRestarts?: pulumi.Input<number>;
    /** keep (default): destroy leaves the host hardened; restore: destroy puts back the original daemon.json. */
    readonly onDestroy?: pulumi.Input<OnDestroy>;
}

export class DockerDaemonConfig extends pulumi.CustomResource {
    declare public readonly settings: pulumi.Output<DaemonJson>;
    declare public readonly effective: pulumi.Output<DaemonJson>;
    declare public readonly effectiveHash: pulumi.Output<string>;
    declare public readonly dockerVersion: pulumi.Output<string>;
    declare public readonly notes: pulumi.Output<string[]>;

    constructor(name: string, args: DockerDaemonConfigArgs, opts?: pulumi.CustomResourceOptions) {
        super(DOCKER_DAEMON_CONFIG_TYPE, name, {
            ...args,
            effective: undefined,
            effectiveHash: undefined,
            dockerVersion: undefined,
            notes: undefined,
        }, { ...opts, additionalSecretOutputs: ["connection"] });
    }
}
