// Compares docker-bench-security's JSON log with gnh-audit's --benchmark JSON for one node: for
// every control docker-bench warns on, whether we report it too, and for sections 4 and 5 on
// which containers. Prints a Markdown table. Used by scripts/docker-bench/compare.sh.
import * as fs from "node:fs";

interface BenchTest { readonly id: string; readonly desc: string; readonly result: string; readonly details?: string; readonly items?: readonly string[] }
interface BenchLog { readonly tests: readonly { readonly id: string; readonly results: readonly BenchTest[] }[] }
interface OurControl { readonly id: string; readonly status: string; readonly details: readonly string[]; readonly findings: readonly { readonly target: string }[] }
interface OurReport { readonly nodes: readonly { readonly node: string; readonly controls: readonly OurControl[] }[] }

export interface ComparisonRow {
    readonly id: string;
    readonly title: string;
    readonly benchResult: string;
    readonly ours: string;
    /** Containers (or images, for 4.6) docker-bench names, and which of them we flag. */
    readonly benchItems: readonly string[];
    readonly missed: readonly string[];
}

/** "cb-ports:80" (5.8) and "cb-ports" alike: the container part of an item. */
const containerOf = (item: string) => item.split(":")[0];

export function compareReports(bench: BenchLog, ours: OurReport): ComparisonRow[] {
    const controls = new Map(ours.nodes[0].controls.map((c) => [c.id, c]));
    const rows: ComparisonRow[] = [];
    for (const test of bench.tests.flatMap((t) => t.results)) {
        if (test.result !== "WARN") {
            continue;
        }
        const mine = controls.get(test.id);
        const flagged = new Set((mine?.findings ?? []).map((f) => f.target.replace(/^container /, "")));
        const containerLevel = /^[45]\./.test(test.id) && test.id !== "4.6" && test.id !== "5.1";
        const items = [...new Set((test.items ?? []).map((i) => (containerLevel ? containerOf(i) : i)))];
        const missed = containerLevel ? items.filter((i) => !flagged.has(i)) : [];
        rows.push({ id: test.id, title: test.desc, benchResult: test.result, ours: mine?.status ?? "(no such control)", benchItems: items, missed });
    }
    return rows;
}

export function renderComparison(rows: readonly ComparisonRow[]): string {
    const lines = [
        "| control | docker-bench | gnh-audit | docker-bench names | not flagged by gnh-audit |",
        "|---|---|---|---|---|",
        ...rows.map((r) => `| ${r.id} | ${r.benchResult} | ${r.ours} | ${r.benchItems.join(", ") || "-"} | ${r.missed.join(", ") || "-"} |`),
    ];
    const pairs = rows.reduce((n, r) => n + (/^[45]\./.test(r.id) ? r.benchItems.length : 0), 0);
    const missed = rows.reduce((n, r) => n + r.missed.length, 0);
    lines.push("", `${rows.length} docker-bench warnings; in sections 4 and 5, ${pairs - missed} of ${pairs} (control, container) warnings are also gnh-audit findings.`);
    return `${lines.join("\n")}\n`;
}

if (require.main === module) {
    const [benchFile, oursFile] = process.argv.slice(2);
    const rows = compareReports(JSON.parse(fs.readFileSync(benchFile, "utf8")) as BenchLog, JSON.parse(fs.readFileSync(oursFile, "utf8")) as OurReport);
    process.stdout.write(renderComparison(rows));
}
