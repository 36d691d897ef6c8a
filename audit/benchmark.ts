// The audit's findings read per benchmark control: each node, every control of CIS Docker
// Benchmark 1.6.0 in the benchmark's order, PASS / WARN / FAIL / INFO / N/A and a score, the way
// docker-bench-security's readers are used to. Pure: results in, a per-control view out.
import { CIS_DOCKER } from "../lib/cisBenchmark";
import { catalog } from "../rules/catalog";
import { CIS_OUT_OF_SCOPE } from "../rules/cisScope";
import { isCis } from "../rules/rule";
import { Finding, NodeResult } from "./evaluate";

export const BENCHMARKS = ["cis-docker-1.6.0"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export type ControlStatus = "PASS" | "WARN" | "FAIL" | "INFO" | "N/A";
export const CONTROL_STATUSES: readonly ControlStatus[] = ["PASS", "WARN", "FAIL", "INFO", "N/A"];

export interface ControlResult {
    readonly id: string;
    readonly title: string;
    /** A section heading of the benchmark, not a control. */
    readonly section?: boolean;
    readonly status: ControlStatus;
    readonly rules: readonly string[];
    /** What decided the status: the failures (WARN/FAIL), the notes (PASS), or why it is INFO / N/A. */
    readonly details: readonly string[];
    /** The failing findings behind WARN / FAIL. */
    readonly findings: readonly Finding[];
}

export interface NodeBenchmark {
    readonly node: string;
    readonly status: NodeResult["status"];
    readonly error?: string;
    readonly controls: readonly ControlResult[];
    readonly counts: Readonly<Record<ControlStatus, number>>;
    /** docker-bench-security's score: one up for each PASS, one down for each WARN or FAIL. */
    readonly score: number;
}

const rulesByControl = new Map<string, string[]>();
for (const rule of catalog) {
    for (const control of rule.controls.filter(isCis)) {
        rulesByControl.set(control.id, [...(rulesByControl.get(control.id) ?? []), rule.id]);
    }
}

function judgeControl(id: string, title: string, findings: readonly Finding[]): ControlResult {
    const rules = rulesByControl.get(id) ?? [];
    if (rules.length === 0) {
        return { id, title, status: "INFO", rules, details: [`out of scope: ${CIS_OUT_OF_SCOPE[id] ?? "no rule implements it"}`], findings: [] };
    }
    const mine = findings.filter((f) => rules.includes(f.ruleId));
    const failed = mine.filter((f) => f.status === "fail");
    const line = (f: Finding) => `${f.ruleId} ${f.target}: ${f.message}`;
    if (failed.length > 0) {
        return { id, title, status: failed.some((f) => f.enforcement === "mandatory") ? "FAIL" : "WARN", rules, details: failed.map(line), findings: failed };
    }
    if (mine.some((f) => f.status === "pass")) {
        return { id, title, status: "PASS", rules, details: mine.filter((f) => f.status === "pass" && f.message !== "").map(line), findings: [] };
    }
    const reasons = [...new Set(mine.map((f) => f.message))];
    return { id, title, status: mine.length === 0 ? "INFO" : "N/A", rules, details: mine.length === 0 ? [`not judged: ${rules.join(", ")} left out of this run`] : reasons, findings: [] };
}

export function benchmarkOf(result: NodeResult): NodeBenchmark {
    const controls = CIS_DOCKER.controls.map((c): ControlResult => (c.section
        ? { id: c.id, title: c.title, section: true, status: "INFO", rules: [], details: [], findings: [] }
        : judgeControl(c.id, c.title, result.findings)));
    const counted = controls.filter((c) => !c.section);
    const counts = Object.fromEntries(CONTROL_STATUSES.map((s) => [s, counted.filter((c) => c.status === s).length])) as Record<ControlStatus, number>;
    return { node: result.node, status: result.status, error: result.error, controls, counts, score: counts.PASS - counts.WARN - counts.FAIL };
}
