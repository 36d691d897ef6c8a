// Policy evaluation time: the pack's validation functions, in this process, over a synthetic stack
// of 200 nodes (a daemon.json and a toolkit resource each) and 2,000 GPU containers, run as
// CrossGuard runs them for one resource (policies/analyzeInProcess.ts: every policy in order,
// inputs deserialized and behind the unknown-checking proxy). Excludes the engine and gRPC.
// `npm run bench -- policy [--runs R]`.
import { performance } from "node:perf_hooks";
import { analyzeInProcess, SyntheticResource } from "../policies/analyzeInProcess";
import { policiesFromCatalog } from "../policies/catalogPolicies";
import { containerResource, daemonResource, toolkitResource } from "../policies/syntheticResources";

const NODES = 200;
const CONTAINERS = 2000;

/** Mostly hardened, with one weakened setting on every 20th resource so that reporting is timed too. */
function syntheticStack(): { kind: string; resource: SyntheticResource }[] {
    const stack: { kind: string; resource: SyntheticResource }[] = [];
    for (let n = 0; n < NODES; n++) {
        const node = `gpu-${String(n).padStart(3, "0")}`;
        stack.push({ kind: "gnh daemon.json", resource: daemonResource(node, n % 20 === 0 ? { icc: true } : {}) });
        stack.push({ kind: "gnh toolkit", resource: toolkitResource(node, n % 20 === 1 ? { version: "1.17.3" } : {}) });
    }
    for (let c = 0; c < CONTAINERS; c++) {
        const weakened = c % 20 === 0 ? { privileged: true } : {};
        stack.push({ kind: "docker container", resource: containerResource(`job-${c}`, c % 8, weakened) });
    }
    return stack;
}

const median = (xs: readonly number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchPolicy(runs = 5): Promise<string> {
    const policies = policiesFromCatalog();
    const stack = syntheticStack();
    const kinds = [...new Set(stack.map((s) => s.kind))];
    const times: Record<string, number[]> = Object.fromEntries([...kinds, "all"].map((k) => [k, []]));
    let findings = 0;
    await analyzeInProcess(policies, stack[0].resource); // warm-up: module loading and JIT
    for (let run = 0; run < runs; run++) {
        const perKind: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]));
        findings = 0;
        const start = performance.now();
        for (const { kind, resource } of stack) {
            const t0 = performance.now();
            findings += (await analyzeInProcess(policies, resource)).length;
            perKind[kind] += performance.now() - t0;
        }
        times.all.push(performance.now() - start);
        for (const kind of kinds) {
            times[kind].push(perKind[kind]);
        }
    }
    const count = (kind: string) => (kind === "all" ? stack.length : stack.filter((s) => s.kind === kind).length);
    const lines = [
        `Policy evaluation in-process: ${policies.length} policies, ${NODES} nodes, ${CONTAINERS} containers, median of ${runs} runs (${findings} findings per run).`,
        "",
        "| resources | count | total (ms) | per resource (µs) |",
        "|---|---:|---:|---:|",
        ...[...kinds, "all"].map((kind) => {
            const total = median(times[kind]);
            return `| ${kind} | ${count(kind)} | ${total.toFixed(1)} | ${((total * 1000) / count(kind)).toFixed(0)} |`;
        }),
    ];
    return lines.join("\n");
}

/** `npm run bench -- policy [--runs R]`. */
export function benchPolicyFromArgs(argv: readonly string[]): Promise<string> {
    if (argv.length === 0) {
        return benchPolicy();
    }
    const runs = Number(argv[1]);
    if (argv.length !== 2 || argv[0] !== "--runs" || !Number.isInteger(runs) || runs < 1) {
        throw new Error("usage: npm run bench -- policy [--runs R]");
    }
    return benchPolicy(runs);
}
