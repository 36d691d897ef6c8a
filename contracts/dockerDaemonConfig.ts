// The contract of gnh:host:DockerDaemonConfig (provider/dockerDaemonConfig.ts, sdk/dockerDaemonConfig.ts): its inputs and outputs, once.
import { NodeConnection } from "../lib/nodeConnection";
import { DOCKER_DAEMON_CONFIG_TYPE } from "../lib/resourceTypes";
import { OnDestroy } from "../lib/destroyPlan";
import { DaemonJson } from "../rules/daemonRules";
import { defineContract } from "./contract";

export interface DockerDaemonConfigInputs {
    readonly connection: NodeConnection;
    /** The hardened fragment of daemon.json we manage (policy packs read it from here). */
    readonly settings: DaemonJson;
    /** Keys whose value in `settings` was chosen on purpose and wins over the node's. */
    readonly overriddenKeys?: readonly string[];
    /** At most this many nodes restart Docker at the same time in one run (default 1). */
    readonly maxParallelRestarts?: number;
    /** What `pulumi destroy` does: keep the host hardened (default) or restore the original file. */
    readonly onDestroy?: OnDestroy;
}

export interface DockerDaemonConfigOutputs extends DockerDaemonConfigInputs {
    /** daemon.json as it is on the node after the apply. */
    readonly effective: DaemonJson;
    readonly effectiveHash: string;
    readonly dockerVersion: string;
    readonly notes: readonly string[];
    /** Set by refresh only: what in dockerd's command line (units we did not write) weakens it; empty = nothing. */
    readonly drift?: readonly string[];
}

export const DockerDaemonConfigContract = defineContract<DockerDaemonConfigInputs, DockerDaemonConfigOutputs>()({
    type: DOCKER_DAEMON_CONFIG_TYPE,
    inputs: { connection: true, settings: true, overriddenKeys: true, maxParallelRestarts: true, onDestroy: true },
    outputs: { effective: true, effectiveHash: true, dockerVersion: true, notes: true, drift: true },
    defaults: {  },
});
