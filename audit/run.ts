// Audit a fleet: one batched probe per node over the project's SSH session (verified host keys),
// at most `concurrency` nodes at a time, each within `timeoutMs`; a node that cannot be reached
// is reported as unreachable and the others are still audited.
import { FleetNode } from "../lib/fleet";
import { connectionWithCredentials, readFleetCredentials } from "../lib/fleetPrivateKey";
import { NodeConnection } from "../lib/nodeConnection";
import { NodeError, sessionFor } from "../transport/ssh";
import { AuditOptions, evaluateNode, NodeResult } from "./evaluate";
import { factsFromProbe } from "./facts";
import { parseProbeOutput, PROBE_SCRIPT, probeArgs } from "./probe";

export interface RunOptions extends AuditOptions {
    readonly concurrency?: number;
    readonly timeoutMs?: number;
    /** Called when a node is done (progress). */
    readonly onNodeDone?: (result: NodeResult, done: number, total: number) => void;
}

export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function connectionFor(node: FleetNode, fleetFile = "the fleet file"): NodeConnection {
    const { fleetFile: _file, ...connection } = connectionWithCredentials(fleetFile, node, readFleetCredentials(fleetFile, node));
    return connection;
}

export async function auditNode(node: FleetNode, options: RunOptions = {}): Promise<NodeResult> {
    const started = Date.now();
    const timeoutMs = options.timeoutMs ?? 60_000;
    const base = { node: node.name, durationMs: 0, containers: 0, warnings: [] as string[], findings: [] };
    try {
        const session = sessionFor(connectionFor(node));
        const result = await withTimeout(session.run(PROBE_SCRIPT, probeArgs(), { timeoutMs }), timeoutMs, `the probe of ${node.name}`);
        if (result.code !== 0) {
            return { ...base, status: "error", error: `the probe exited ${result.code}: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`, durationMs: Date.now() - started };
        }
        const facts = factsFromProbe(parseProbeOutput(result.stdout));
        return {
            node: node.name,
            status: "audited",
            findings: evaluateNode(node.name, facts, options),
            warnings: facts.warnings,
            containers: facts.containers.length,
            durationMs: Date.now() - started,
        };
    } catch (error) {
        const message = error instanceof NodeError ? error.message.replace(/^node [^:]+: /, "") : (error as Error).message;
        const unreachable = error instanceof NodeError && /cannot reach|did not finish/.test(message) || /did not finish/.test(message);
        return { ...base, status: unreachable ? "unreachable" : "error", error: message, durationMs: Date.now() - started };
    }
}

export async function auditFleet(nodes: readonly FleetNode[], options: RunOptions = {}): Promise<NodeResult[]> {
    let done = 0;
    return mapBounded(nodes, options.concurrency ?? 8, async (node) => {
        const result = await auditNode(node, options);
        options.onNodeDone?.(result, ++done, nodes.length);
        return result;
    });
}
