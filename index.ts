// The program: harden every node of the fleet file (config `fleetFile`; the lab's by default).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { GpuNode } from "./components/gpuNode";
import { AdvisoryDataError, loadAdvisories } from "./lib/advisories";
import { FleetError, parseFleet } from "./lib/fleet";
import { nodesOfPool } from "./lib/fleetPools";
import { connectionWithCredentials, readFleetCredentials } from "./lib/fleetPrivateKey";
import { DEFAULT_TOOLKIT_VERSION } from "./lib/toolkitConfig";
import { findProjectRoot } from "./lib/projectRoot";

/**
 * A mistake in the user's input (fleet file, key path, advisory data) is reported as its message
 * alone: RunError ends the program without the stack trace of an unhandled exception.
 */
function userInput<T>(read: () => T): T {
    try {
        return read();
    } catch (error) {
        if (error instanceof FleetError || error instanceof AdvisoryDataError) {
            throw new pulumi.RunError(error.message);
        }
        throw error;
    }
}

const config = new pulumi.Config();

/**
 * How many nodes one `pulumi up` restarts Docker on at once: a whole number of at least 1 (0, a
 * negative or a fraction used to mean "no limit"). It bounds this one run, not the fleet.
 */
function maxParallelRestarts(): number {
    const raw = config.get("maxParallelRestarts");
    if (raw === undefined) {
        return 1;
    }
    if (!/^[0-9]+$/.test(raw.trim()) || Number(raw) < 1) {
        throw new pulumi.RunError(`stack config gpu-node-hardening:maxParallelRestarts is ${JSON.stringify(raw)}: it must be a whole number of at least 1 (nodes restarting Docker at once in one pulumi up)`);
    }
    return Number(raw);
}
const fleetFile = path.resolve(config.get("fleetFile") ?? path.join(findProjectRoot(__dirname), ".lab", "fleet.yaml"));
if (!fs.existsSync(fleetFile)) {
    throw new pulumi.RunError(`fleet file ${fleetFile} does not exist: set it with 'npm run pulumi -- config set fleetFile PATH', or start the lab with 'npm run lab -- up'`);
}
const fleet = userInput(() => parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile));
const only = config.getObject<string[]>("nodes");
// one stack per pool of the fleet file (docs/pools.md)
const poolNodes = userInput(() => nodesOfPool(fleet, config.get("pool"), fleetFile));
const toolkitVersion = config.get("toolkitVersion") ?? DEFAULT_TOOLKIT_VERSION;
// A newer advisory data file than the built-in one (docs/advisories.md); the same file can be given to the pack and the audit.
const advisories = userInput(() => loadAdvisories(config.get("advisoriesFile")));

export const nodes: Record<string, pulumi.Output<{ toolkit: string; daemonSettingsHash: string; seccompSha256: string }>> = {};
for (const node of poolNodes.filter((n) => only === undefined || only.includes(n.name))) {
    const credentials = pulumi.secret(userInput(() => readFleetCredentials(fleetFile, node)));
    const connection = credentials.apply((read) => connectionWithCredentials(fleetFile, node, read));
    const gpuNode = new GpuNode(node.name, {
        connection,
        toolkitVersion,
        advisories,
        // extra config.toml keys, e.g. nvidia-container-runtime.mode (docs/toolkit.md)
        toolkitExtraRuntimeConfig: config.getObject<Record<string, string | boolean>>("toolkitRuntimeConfig"),
        mirrorUrl: fleet.mirror?.url,
        mirrorFingerprint: fleet.mirror?.fingerprint,
        mirrorKeyUrl: fleet.mirror?.keyUrl,
        daemonOverrides: config.getObject("daemonOverrides"),
        maxParallelRestarts: maxParallelRestarts(),
        onDestroy: node.onDestroy,
    });
    nodes[node.name] = pulumi.all([gpuNode.toolkitVersion, gpuNode.daemonSettingsHash, gpuNode.seccompSha256])
        .apply(([toolkit, daemon, seccomp]) => ({ toolkit, daemonSettingsHash: daemon, seccompSha256: seccomp }));
}
