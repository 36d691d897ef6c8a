// Reporters: a table for people, JSON for scripts, SARIF 2.1.0 for code-scanning views (rule
// metadata from the catalog), JUnit XML for CI test tabs. Pure: results in, text out.
import { XMLBuilder } from "fast-xml-parser";
import type * as Sarif from "sarif";
import { catalog } from "../rules/catalog";
import { controlLabel } from "../rules/rule";
import { Finding, NodeResult } from "./evaluate";

export type Format = "table" | "json" | "sarif" | "junit";
export const FORMATS: readonly Format[] = ["table", "json", "sarif", "junit"];

export interface ReportContext {
    readonly toolVersion: string;
    /** SARIF runs[].automationDetails.id: one per audit shard (lib/fleetPools.ts auditShardId). */
    readonly automationId?: string;
    /** The fleet file as the report should name it (relative to the repository), and its text. */
    readonly fleetFile?: string;
    readonly fleetText?: string;
    readonly startedAt?: Date;
    /** Show passing and not-applicable rules too (table). */
    readonly verbose?: boolean;
    /** The advisory data judged by: its date and origin, and a warning when it is old. */
    readonly advisories?: { readonly updated: string; readonly origin: string; readonly summary: string; readonly warning?: string };
}

export function render(format: Format, results: readonly NodeResult[], context: ReportContext): string {
    switch (format) {
        case "table": return renderTable(results, context);
        case "json": return renderJson(results, context);
        case "sarif": return `${JSON.stringify(renderSarif(results, context), null, 2)}\n`;
        case "junit": return renderJunit(results);
    }
}

function summary(results: readonly NodeResult[]) {
    const findings = results.flatMap((r) => r.findings);
    return {
        nodes: results.length,
        audited: results.filter((r) => r.status === "audited").length,
        unreachable: results.filter((r) => r.status === "unreachable").map((r) => r.node),
        errors: results.filter((r) => r.status === "error").map((r) => r.node),
        failedMandatory: findings.filter((f) => f.status === "fail" && f.enforcement === "mandatory").length,
        failedAdvisory: findings.filter((f) => f.status === "fail" && f.enforcement === "advisory").length,
        passed: findings.filter((f) => f.status === "pass").length,
        notApplicable: findings.filter((f) => f.status === "not-applicable").length,
    };
}

// ---------------------------------------------------------------- table

const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));

export function renderTable(results: readonly NodeResult[], context: ReportContext): string {
    const lines: string[] = [];
    for (const result of results) {
        lines.push(`== ${result.node}: ${result.status}${result.status === "audited" ? ` (${result.containers} container${result.containers === 1 ? "" : "s"}, ${result.durationMs} ms)` : ""}`);
        if (result.error) {
            lines.push(`   ${result.error}`);
        }
        for (const warning of result.warnings) {
            lines.push(`   warning: ${warning}`);
        }
        const shown = result.findings.filter((f) => context.verbose || f.status === "fail");
        const order = { fail: 0, "not-applicable": 1, pass: 2 } as const;
        const sorted = [...shown].sort((a, b) => order[a.status] - order[b.status] || (a.enforcement === b.enforcement ? 0 : a.enforcement === "mandatory" ? -1 : 1) || a.ruleId.localeCompare(b.ruleId));
        const idWidth = Math.max(0, ...sorted.map((f) => f.ruleId.length));
        for (const f of sorted) {
            const status = f.status === "fail" ? (f.enforcement === "mandatory" ? "FAIL" : "WARN") : f.status === "pass" ? "pass" : "n/a ";
            lines.push(`   ${status}  ${pad(f.ruleId, idWidth)}  ${f.target}${f.message ? `: ${f.message}` : ""}`);
            if (f.status === "fail") {
                lines.push(`   ${" ".repeat(6 + idWidth)}  fix: ${f.remediation}`);
            }
        }
        if (result.status === "audited" && !result.findings.some((f) => f.status === "fail")) {
            lines.push("   every audited rule passes");
        }
        lines.push("");
    }
    const s = summary(results);
    if (context.advisories !== undefined) {
        lines.push(`versions judged by ${context.advisories.summary}`);
        if (context.advisories.warning !== undefined) {
            lines.push(`warning: ${context.advisories.warning}`);
        }
    }
    lines.push(`${s.audited}/${s.nodes} node(s) audited; ${s.failedMandatory} mandatory failure(s), ${s.failedAdvisory} advisory warning(s), ${s.passed} pass(es)`
        + `${s.unreachable.length > 0 ? `; unreachable: ${s.unreachable.join(", ")}` : ""}${s.errors.length > 0 ? `; errors: ${s.errors.join(", ")}` : ""}`);
    return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- json

export function renderJson(results: readonly NodeResult[], context: ReportContext): string {
    return `${JSON.stringify({
        tool: { name: "gnh-audit", version: context.toolVersion },
        startedAt: context.startedAt?.toISOString(),
        advisories: context.advisories === undefined ? undefined
            : { updated: context.advisories.updated, origin: context.advisories.origin, ...(context.advisories.warning === undefined ? {} : { warning: context.advisories.warning }) },
        summary: summary(results),
        nodes: results,
    }, null, 2)}\n`;
}

// ---------------------------------------------------------------- sarif

const sarifLevel = (f: Pick<Finding, "enforcement">): Sarif.Result.level => (f.enforcement === "mandatory" ? "error" : "warning");
const SECURITY_SEVERITY = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" } as const;

/** The line of a node's entry in the fleet file, so that code-scanning views can point at it. */
export function nodeLine(fleetText: string | undefined, node: string): number {
    if (fleetText === undefined) {
        return 1;
    }
    const lines = fleetText.split("\n");
    const index = lines.findIndex((l) => new RegExp(`^\\s*-?\\s*name:\\s*["']?${node.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*$`).test(l));
    return index >= 0 ? index + 1 : 1;
}

function fingerprint(text: string): string {
    // FNV-1a, 64-bit, hex: stable across runs and machines, no crypto needed
    let hash = 0xcbf29ce484222325n;
    for (const byte of Buffer.from(text, "utf8")) {
        hash ^= BigInt(byte);
        hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return hash.toString(16).padStart(16, "0");
}

export function renderSarif(results: readonly NodeResult[], context: ReportContext): Sarif.Log {
    const ruleIndex = new Map(catalog.map((r, i) => [r.id, i]));
    const uri = context.fleetFile ?? "fleet.yaml";
    const sarifResults = results.flatMap((result) => result.findings.filter((f) => f.status === "fail").map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: sarifLevel(f),
        message: { text: `${f.node}: ${f.target}: ${f.message}. Fix: ${f.remediation}` },
        locations: [{
            physicalLocation: { artifactLocation: { uri }, region: { startLine: nodeLine(context.fleetText, f.node) } },
            logicalLocations: [{ name: f.target, fullyQualifiedName: `${f.node}/${f.target}`, kind: "resource" }],
        }],
        partialFingerprints: { "gnhFinding/v1": fingerprint(`${f.node}\u0000${f.ruleId}\u0000${f.target}`) },
        properties: { node: f.node, target: f.target, severity: f.severity },
    })));
    const notifications = results.filter((r) => r.status !== "audited").map((r): Sarif.Notification => ({
        level: "error",
        message: { text: `node ${r.node} ${r.status === "unreachable" ? "is unreachable" : "could not be audited"}: ${r.error ?? ""}` },
        locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: nodeLine(context.fleetText, r.node) } } }],
    }));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            ...(context.automationId !== undefined ? { automationDetails: { id: context.automationId } } : {}),
            tool: {
                driver: {
                    name: "gnh-audit",
                    version: context.toolVersion,
                    rules: catalog.map((rule) => ({
                        id: rule.id,
                        ...(rule.aliases && rule.aliases.length > 0 ? { deprecatedIds: [...rule.aliases] } : {}),
                        name: rule.id.toLowerCase().replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
                        shortDescription: { text: rule.title },
                        fullDescription: { text: rule.rationale },
                        help: {
                            text: `${rule.rationale}\n\nFix: ${rule.remediation}`,
                            markdown: `**Why:** ${rule.rationale}\n\n**Fix:** ${rule.remediation}\n\n**Controls:** ${rule.controls.map(controlLabel).join("; ")}`,
                        },
                        ...(rule.links && rule.links.length > 0 ? { helpUri: rule.links[0] } : {}),
                        defaultConfiguration: { level: sarifLevel(rule) },
                        properties: {
                            tags: ["security", ...rule.controls.map(controlLabel)],
                            precision: "high",
                            "security-severity": SECURITY_SEVERITY[rule.severity],
                            checkedAt: [...rule.checkedAt],
                        },
                    })),
                },
            },
            invocations: [{
                executionSuccessful: results.every((r) => r.status === "audited"),
                ...(context.startedAt ? { startTimeUtc: context.startedAt.toISOString() } : {}),
                toolExecutionNotifications: notifications,
            }],
            artifacts: [{ location: { uri } }],
            results: sarifResults,
        }],
    };
}

// ---------------------------------------------------------------- junit

/** Drops the characters XML 1.0 cannot carry at all; the builder escapes the rest (&, <, >, quotes). */
export function xmlText(text: string): string {
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
}

const junitBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", textNodeName: "#text", format: true, indentBy: "  ", suppressEmptyNode: true });

/** A JUnit document ("@" attributes, "#text" text) as XML, with its declaration. */
export function junitXml(testsuites: Record<string, unknown>): string {
    return junitBuilder.build({ "?xml": { "@version": "1.0", "@encoding": "UTF-8" }, testsuites }) as string;
}

function counts(findings: readonly Finding[], errors: number) {
    return {
        "@tests": findings.length + errors,
        "@failures": findings.filter((f) => f.status === "fail").length,
        "@errors": errors,
        "@skipped": findings.filter((f) => f.status === "not-applicable").length,
    };
}

function junitCase(f: Finding): Record<string, unknown> {
    const testcase = { "@classname": xmlText(f.node), "@name": xmlText(`${f.ruleId} ${f.target}`) };
    if (f.status === "pass") {
        return testcase;
    }
    if (f.status === "not-applicable") {
        return { ...testcase, skipped: { "@message": xmlText(f.message) } };
    }
    return { ...testcase, failure: { "@type": f.enforcement, "@message": xmlText(f.message), "#text": xmlText(`${f.message}\nFix: ${f.remediation}`) } };
}

export function renderJunit(results: readonly NodeResult[]): string {
    const unaudited = results.filter((r) => r.status !== "audited").length;
    const suites = results.map((result) => {
        const errors = result.status === "audited" ? 0 : 1;
        const unreachable = errors ? [{ "@classname": xmlText(result.node), "@name": "audit", error: { "@type": result.status, "@message": xmlText(result.error ?? result.status) } }] : [];
        return {
            "@name": xmlText(result.node),
            ...counts(result.findings, errors),
            "@time": (result.durationMs / 1000).toFixed(3),
            testcase: [...unreachable, ...result.findings.map(junitCase)],
        };
    });
    return junitXml({ "@name": "gnh-audit", ...counts(results.flatMap((r) => r.findings), unaudited), testsuite: suites });
}
