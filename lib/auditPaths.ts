// Where the objects of the CIS 1.1.x audit rules really are on a node. Package layouts differ
// (Debian: /usr/sbin/dockerd, /usr/bin/runc -> /usr/sbin/runc; docker-ce: /usr/bin/dockerd) and
// auditd watches a name in a directory, not what a symlink points at, so every candidate is
// resolved with `readlink -f` on the node and only paths that exist are kept. The shell function
// is shared by the provider (what to write) and the audit probe (what to expect), so the two can
// never disagree; building its argument and parsing its output are pure.
import { AuditSource } from "../rules/auditRules";
import { remoteScript } from "./remoteScripts";

export interface AuditTarget {
    readonly ruleId: string;
    readonly sources: readonly AuditSource[];
}

/**
 * `gnh_audit_paths SPEC`: SPEC has one "RULE-ID KIND VALUE" line per source (KIND path, binary or
 * unit); prints "RULE-ID REALPATH" for each source that exists, sorted, without duplicates.
 */
export const AUDIT_PATHS_FUNCTION = remoteScript("audit-paths");

const SAFE_VALUE = /^[A-Za-z0-9_./@+-]+$/;

/** The argument of gnh_audit_paths. Values come from the catalog; anything else is refused. */
export function auditPathSpec(targets: readonly AuditTarget[]): string {
    const lines: string[] = [];
    for (const target of targets) {
        for (const source of target.sources) {
            const [kind, value] = "path" in source ? ["path", source.path] : "binary" in source ? ["binary", source.binary] : ["unit", source.unit];
            if (!SAFE_VALUE.test(target.ruleId) || !SAFE_VALUE.test(value) || (kind === "path" && !value.startsWith("/"))) {
                throw new Error(`audit target ${target.ruleId}: ${kind} ${JSON.stringify(value)} is not a plain absolute path or name`);
            }
            lines.push(`${target.ruleId} ${kind} ${value}`);
        }
    }
    return lines.join("\n");
}

/** gnh_audit_paths output -> rule id -> real paths (sorted, unique). */
export function parseAuditPaths(text: string): Record<string, string[]> {
    const resolved: Record<string, string[]> = {};
    for (const line of text.split("\n")) {
        const space = line.indexOf(" ");
        if (space <= 0 || !line.slice(space + 1).startsWith("/")) {
            continue;
        }
        const id = line.slice(0, space);
        const path = line.slice(space + 1);
        const list = (resolved[id] ??= []);
        if (!list.includes(path)) {
            list.push(path);
        }
    }
    for (const list of Object.values(resolved)) {
        list.sort();
    }
    return resolved;
}
