// HardenedDockerDaemon: the hardened /etc/docker/daemon.json of one node. The settings come from
// the rule catalog (rules/daemonRules.ts); the apply (merge, validate, reload/restart, rollback)
// happens in the gnh provider.
import * as pulumi from "@pulumi/pulumi";
import { desiredDaemonConfig } from "../lib/daemonMerge";
import { DEFAULT_ON_DESTROY, OnDestroy } from "../lib/destroyPlan";
import { NodeConnection } from "../lib/nodeConnection";
import { DaemonJson } from "../rules/daemonRules";
import { DockerDaemonConfig } from "../sdk/dockerDaemonConfig";

export interface HardenedDockerDaemonArgs {
    /** How to reach the node; its privateKey should be a Pulumi secret. */
    readonly connection: pulumi.Input<NodeConnection>;
    /**
     * daemon.json keys to set on purpose, over the hardened defaults: a value wins over the
     * node's own; null stops managing that key. Policy packs still judge the result.
     */
    readonly overrides?: DaemonJson;
    /** Make nvidia the default runtime (default false: GPU containers ask for it). */
    readonly nvidiaAsDefaultRuntime?: boolean;
    /** At most this many nodes of the fleet restart Docker at the same time (default 1). */
    readonly maxParallelRestarts?: number;
    /**
     * What `pulumi destroy` does: keep (default) leaves the host hardened; restore puts back
     * daemon.json from before the first hardening, applied and rolled back like an update.
     */
    readonly onDestroy?: OnDestroy;
}

export class HardenedDockerDaemon extends pulumi.ComponentResource {
    public readonly settings: pulumi.Output<DaemonJson>;
    public readonly effective: pulumi.Output<DaemonJson>;
    public readonly effectiveHash: pulumi.Output<string>;

    constructor(name: string, args: HardenedDockerDaemonArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:HardenedDockerDaemon", name, {}, opts);
        const overrides: Record<string, unknown> = { ...(args.nvidiaAsDefaultRuntime ? { "default-runtime": "nvidia" } : {}), ...args.overrides };
        const config = new DockerDaemonConfig(`${name}-daemon-json`, {
            connection: args.connection,
            settings: desiredDaemonConfig(overrides),
            overriddenKeys: Object.keys(overrides).filter((k) => overrides[k] !== null),
            maxParallelRestarts: args.maxParallelRestarts ?? 1,
            onDestroy: args.onDestroy ?? DEFAULT_ON_DESTROY,
        }, { parent: this });
        this.settings = config.settings;
        this.effective = config.effective;
        this.effectiveHash = config.effectiveHash;
        this.registerOutputs({ settings: this.settings, effective: this.effective, effectiveHash: this.effectiveHash });
    }
}
