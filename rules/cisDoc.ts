// Renders docs/cis.md: every control of CIS Docker Benchmark 1.6.0 in the benchmark's order, with
// the rules that implement it, their level, where each is judged and what applies it, or why it is
// out of scope. Pure: scripts/generate-docs.ts writes the file; a unit test compares.
import { CIS_DOCKER } from "../lib/cisBenchmark";
import { auditRules } from "./auditRules";
import { catalog } from "./catalog";
import { CIS_OUT_OF_SCOPE } from "./cisScope";
import { daemonRules } from "./daemonRules";
import { FILE_EXPECTATIONS } from "./liveRules";
import { isCis } from "./rule";

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Which component applies a control on `pulumi up`, by CIS id. */
function appliedBy(): Map<string, Set<string>> {
    const applied = new Map<string, Set<string>>();
    const add = (id: string, component: string) => applied.set(id, (applied.get(id) ?? new Set<string>()).add(component));
    for (const rule of daemonRules.filter((r) => r.desired !== undefined)) {
        rule.controls.filter(isCis).forEach((c) => add(c.id, "HardenedDockerDaemon"));
    }
    for (const rule of auditRules) {
        rule.controls.filter(isCis).forEach((c) => add(c.id, "DockerAuditRules"));
    }
    for (const expectation of FILE_EXPECTATIONS.filter((e) => e.enforced)) {
        expectation.controls.filter(isCis).forEach((c) => add(c.id, "CisFileModes"));
    }
    return applied;
}

export function renderCisDoc(): string {
    const applied = appliedBy();
    const lines = [
        `# ${CIS_DOCKER.benchmark} ${CIS_DOCKER.version}: what covers each control`,
        "",
        "Generated from `rules/` and `data/cis-docker-1.6.0.json` by `npm run docs`; do not edit by hand.",
        `Control ids and titles: ${CIS_DOCKER.source}`,
        "",
        "Level: mandatory rules block (`pulumi preview` with the policy pack, and the audit's exit code); advisory ones warn.",
        "Judged: preview (the CrossGuard pack, on resource inputs), audit (`npm run audit`, on the live node). Applied: the component that sets it on `pulumi up`.",
        "",
        "| control | title | rules | level | judged | applied by |",
        "|---|---|---|---|---|---|",
    ];
    let implemented = 0;
    let outOfScope = 0;
    for (const control of CIS_DOCKER.controls) {
        if (control.section) {
            lines.push(`| **${control.id}** | **${escapeCell(control.title)}** | | | | |`);
            continue;
        }
        const rules = catalog.filter((r) => r.controls.some((c) => isCis(c) && c.id === control.id));
        if (rules.length === 0) {
            outOfScope++;
            lines.push(`| ${control.id} | ${escapeCell(control.title)} | out of scope: ${escapeCell(CIS_OUT_OF_SCOPE[control.id] ?? "no rule and no reason (a test fails)")} | | | |`);
            continue;
        }
        implemented++;
        const levels = [...new Set(rules.map((r) => r.enforcement))].join(", ");
        const judged = [...new Set(rules.flatMap((r) => r.checkedAt))].join(", ");
        lines.push(`| ${control.id} | ${escapeCell(control.title)} | ${rules.map((r) => r.id).join(", ")} | ${levels} | ${judged} | ${[...(applied.get(control.id) ?? [])].join(", ") || "-"} |`);
    }
    lines.push("", `${implemented} controls implemented by rules, ${outOfScope} out of scope with the reason given.`, "");
    return lines.join("\n");
}
