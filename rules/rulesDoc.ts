// Renders docs/rules.md from the catalog. Pure: scripts/generate-docs.ts writes the file and a
// unit test fails when the committed file differs from what this renders.
import { catalog } from "./catalog";
import { controlLabel } from "./rule";

const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderRulesDoc(): string {
    const lines = [
        "# Hardening rules",
        "",
        "Generated from `rules/` by `npm run docs`; do not edit by hand.",
        "Each rule is checked by the CrossGuard pack in `pulumi preview` (preview), by the live audit (audit), or both.",
        "",
        "| id | title | severity | controls | enforcement | checked at |",
        "|---|---|---|---|---|---|",
    ];
    for (const rule of catalog) {
        const controls = rule.controls.map(controlLabel).join("; ");
        lines.push(`| ${rule.id} | ${escapeCell(rule.title)} | ${rule.severity} | ${escapeCell(controls)} | ${rule.enforcement} | ${rule.checkedAt.join(", ")} |`);
    }
    lines.push("");
    for (const rule of catalog) {
        lines.push(`## ${rule.id}: ${rule.title}`, "", `**Why:** ${rule.rationale}`, "", `**Fix:** ${rule.remediation}`, "");
    }
    return lines.join("\n");
}
