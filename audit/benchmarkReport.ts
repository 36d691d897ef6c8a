// `gnh-audit --benchmark cis-docker-1.6.0`: the benchmark view (audit/benchmark.ts) as a
// docker-bench-style table, JSON, SARIF (the audit's log plus the benchmark as a SARIF taxonomy
// that every result points into) and JUnit (a test case per control). Pure: results in, text out.
import type * as Sarif from "sarif";
import { CIS_DOCKER } from "../lib/cisBenchmark";
import { catalog } from "../rules/catalog";
import { isCis } from "../rules/rule";
import { benchmarkOf, CONTROL_STATUSES, NodeBenchmark } from "./benchmark";
import { NodeResult } from "./evaluate";
import { Format, junitXml, renderSarif, ReportContext, xmlText } from "./report";

export function renderBenchmark(format: Format, results: readonly NodeResult[], context: ReportContext): string {
    const nodes = results.map(benchmarkOf);
    switch (format) {
        case "table": return renderBenchmarkTable(nodes, context);
        case "json": return `${JSON.stringify({ tool: { name: "gnh-audit", version: context.toolVersion }, benchmark: { name: CIS_DOCKER.benchmark, version: CIS_DOCKER.version }, startedAt: context.startedAt?.toISOString(), nodes }, null, 2)}\n`;
        case "sarif": return `${JSON.stringify(benchmarkSarif(results, context), null, 2)}\n`;
        case "junit": return renderBenchmarkJunit(nodes);
    }
}

export function renderBenchmarkTable(nodes: readonly NodeBenchmark[], context: ReportContext): string {
    const lines: string[] = [];
    for (const node of nodes) {
        lines.push(`== ${node.node}: ${CIS_DOCKER.benchmark} ${CIS_DOCKER.version} (${node.status})`);
        if (node.status !== "audited") {
            lines.push(`   ${node.error ?? node.status}`, "");
            continue;
        }
        for (const control of node.controls) {
            if (control.section) {
                lines.push(`[INFO] ${control.id} - ${control.title}`);
                continue;
            }
            lines.push(`[${control.status}]${control.status === "N/A" ? "  " : " "}${control.id} - ${control.title}`);
            const shown = control.status === "WARN" || control.status === "FAIL" || context.verbose ? control.details : [];
            lines.push(...shown.map((d) => `       * ${d}`));
        }
        lines.push(`Score: ${node.score} (${CONTROL_STATUSES.map((s) => `${s} ${node.counts[s]}`).join(", ")})`, "");
    }
    return `${lines.join("\n")}\n`;
}

/** The audit's SARIF log, with the benchmark as a taxonomy and each result linked to its controls. */
export function benchmarkSarif(results: readonly NodeResult[], context: ReportContext): Sarif.Log {
    const log = renderSarif(results, context);
    const controls = CIS_DOCKER.controls.filter((c) => !c.section);
    const index = new Map(controls.map((c, i) => [c.id, i]));
    const component = { name: CIS_DOCKER.benchmark, index: 0 };
    const taxaOf = (ruleId: string): Sarif.ReportingDescriptorReference[] =>
        (catalog.find((r) => r.id === ruleId)?.controls.filter(isCis) ?? []).map((c) => ({ id: c.id, index: index.get(c.id), toolComponent: component }));
    const run = log.runs[0];
    return {
        ...log,
        runs: [{
            ...run,
            taxonomies: [{
                name: CIS_DOCKER.benchmark,
                version: CIS_DOCKER.version,
                organization: "Center for Internet Security",
                shortDescription: { text: `${CIS_DOCKER.benchmark} v${CIS_DOCKER.version}` },
                taxa: controls.map((c) => ({ id: c.id, name: c.title, shortDescription: { text: c.title } })),
            }],
            results: (run.results ?? []).map((r) => ({ ...r, taxa: taxaOf(r.ruleId ?? "") })),
        }],
    };
}

export function renderBenchmarkJunit(nodes: readonly NodeBenchmark[]): string {
    const suites = nodes.map((node) => {
        const controls = node.controls.filter((c) => !c.section);
        const cases = node.status !== "audited"
            ? [{ "@classname": node.node, "@name": "audit", error: { "@type": node.status, "@message": xmlText(node.error ?? node.status) } }]
            : controls.map((c) => {
                const testcase = { "@classname": `${node.node}.${CIS_DOCKER.benchmark} ${CIS_DOCKER.version}`, "@name": `${c.id} ${c.title}` };
                if (c.status === "FAIL" || c.status === "WARN") {
                    return { ...testcase, failure: { "@type": c.status === "FAIL" ? "mandatory" : "advisory", "@message": xmlText(c.details[0] ?? c.status), "#text": xmlText(c.details.join("\n")) } };
                }
                return c.status === "PASS" ? testcase : { ...testcase, skipped: { "@message": xmlText(`${c.status}: ${c.details[0] ?? ""}`) } };
            });
        return {
            "@name": node.node,
            "@tests": cases.length,
            "@failures": node.counts.FAIL + node.counts.WARN,
            "@errors": node.status === "audited" ? 0 : 1,
            "@skipped": node.status === "audited" ? node.counts.INFO + node.counts["N/A"] : 0,
            testcase: cases,
        };
    });
    return junitXml({ "@name": `gnh-audit ${CIS_DOCKER.benchmark} ${CIS_DOCKER.version}`, testsuite: suites });
}
