// The lab registry (lab/registry/, docs/lab.md) for end-to-end tests: where it is, according to the
// lab's fleet file, and the sample image pushed to it from a node by `lab.sh push-sample`.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseFleet } from "../../lib/fleet";
import { projectRoot } from "./engine";
import { fleetFile } from "./lab";

/** The container that serves the lab registry (on the gnh-lab network only). */
export const REGISTRY_CONTAINER = "gnh-registry";

/** The lab fleet file's registry: host ("gnh-registry:5000") and the lab CA's path. */
export function labRegistry(): { host: string; caFile: string } {
    const registry = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).registry;
    if (registry?.caFile === undefined) {
        throw new Error(`${fleetFile} records no registry with a CA: run npm run lab -- up`);
    }
    return { host: registry.host, caFile: registry.caFile };
}

/** Where a node's Docker reads the CA for a registry host ("name:port"). */
export const caPathOnNode = (host: string): string => `/etc/docker/certs.d/${host}/ca.crt`;

/**
 * Pushes the lab's sample image (sleep and id, made from the node's own files) from a node to the
 * lab registry; returns "<host>/gnh/sleep@sha256:<64 hex>", the digest the registry computed.
 */
export function pushSampleImage(node: string): string {
    const result = spawnSync("bash", [path.join(projectRoot, "lab", "lab.sh"), "push-sample", node], { encoding: "utf8", timeout: 300_000 });
    const reference = result.stdout.trim();
    if (result.status !== 0 || !/^[a-z0-9.-]+:\d+\/gnh\/sleep@sha256:[0-9a-f]{64}$/.test(reference)) {
        throw new Error(`lab push-sample ${node} failed (exit ${result.status}): ${result.stderr}${result.stdout}`);
    }
    return reference;
}
