// Judge one node's facts with the catalog's own check functions: every rule that can be checked
// live (checkedAt includes "audit"), per host or per container. No rule logic lives here.
import { AdvisoryData } from "../lib/advisories";
import { auditRules } from "../rules/auditRules";
import { catalog } from "../rules/catalog";
import { ContainerFacts, containerRules, ContainerRuleOptions } from "../rules/containerRules";
import { daemonRules } from "../rules/daemonRules";
import { liveRules, LiveRuleOptions } from "../rules/liveRules";
import { EnforcementLevel, Rule, Severity } from "../rules/rule";
import { toolkitRules, ToolkitRuleOptions } from "../rules/toolkitRules";
import { NodeFacts } from "./facts";

export type FindingStatus = "pass" | "fail" | "not-applicable";

export interface Finding {
    readonly node: string;
    readonly ruleId: string;
    /** "host" or "container NAME". */
    readonly target: string;
    readonly status: FindingStatus;
    /** The failure message, the reason it does not apply, or a pass's note (a mitigation in place). */
    readonly message: string;
    readonly severity: Severity;
    readonly enforcement: EnforcementLevel;
    readonly remediation: string;
}

export interface AuditOptions {
    /** The advisory data (--advisories FILE); the built-in data when absent. */
    readonly advisories?: AdvisoryData;
    readonly toolkit?: ToolkitRuleOptions;
    readonly container?: ContainerRuleOptions;
    readonly live?: LiveRuleOptions;
    /** Rule ids to leave out (exclude) or to keep only (include). */
    readonly exclude?: readonly string[];
    readonly include?: readonly string[];
}

export type NodeStatus = "audited" | "unreachable" | "error";

export interface NodeResult {
    readonly node: string;
    readonly status: NodeStatus;
    /** Why the node could not be audited. */
    readonly error?: string;
    readonly findings: readonly Finding[];
    readonly warnings: readonly string[];
    readonly containers: number;
    readonly durationMs: number;
}

/** Every live-checkable rule of the catalog, by family. A test requires that none is left out. */
export const AUDIT_FAMILIES = {
    daemon: daemonRules.filter((r) => r.checkedAt.includes("audit")),
    toolkit: toolkitRules.filter((r) => r.checkedAt.includes("audit")),
    live: liveRules.filter((r) => r.checkedAt.includes("audit")),
    audit: auditRules.filter((r) => r.checkedAt.includes("audit")),
    container: containerRules.filter((r) => r.checkedAt.includes("audit")),
};

export function auditedRuleIds(): string[] {
    return Object.values(AUDIT_FAMILIES).flat().map((r) => r.id);
}

/** What the daemon adds to every container: from daemon.json and, for confinement, docker info. */
export function containerDaemonFacts(facts: NodeFacts): NonNullable<ContainerFacts["daemon"]> {
    const security = facts.host.docker?.securityOptions;
    const ulimits = facts.daemon?.["default-ulimits"];
    return {
        noNewPrivileges: facts.daemon?.["no-new-privileges"] === true,
        appArmor: security === undefined ? undefined : security.some((o) => o.split(",").includes("name=apparmor")),
        selinux: security === undefined ? undefined : security.some((o) => o.split(",").includes("name=selinux")),
        iccDisabled: facts.daemon === undefined ? undefined : facts.daemon.icc === false,
        defaultUlimits: facts.daemon === undefined ? undefined
            : typeof ulimits === "object" && ulimits !== null && !Array.isArray(ulimits) && Object.keys(ulimits).length > 0,
    };
}

export function evaluateNode(node: string, facts: NodeFacts, options: AuditOptions = {}): Finding[] {
    const selected = (rule: Rule<never>) => !(options.exclude ?? []).includes(rule.id)
        && (options.include === undefined || options.include.length === 0 || options.include.includes(rule.id));
    const findings: Finding[] = [];
    const judge = <F>(rule: Rule<F>, target: string, ruleFacts: F) => {
        if (!selected(rule as Rule<never>)) {
            return;
        }
        const verdict = rule.evaluate(ruleFacts);
        findings.push({
            node,
            ruleId: rule.id,
            target,
            status: verdict.status,
            message: verdict.status === "fail" ? verdict.message : verdict.status === "not-applicable" ? verdict.reason : verdict.note ?? "",
            severity: rule.severity,
            enforcement: rule.enforcement,
            remediation: rule.remediation,
        });
    };
    for (const rule of AUDIT_FAMILIES.daemon) {
        const docker = facts.host.docker;
        const running = docker === undefined ? undefined
            : { liveRestore: docker.liveRestore, securityOptions: docker.securityOptions, defaultRuntime: facts.host.defaultRuntime, runtimes: Object.keys(facts.host.runtimes ?? {}) };
        judge(rule, "host", { daemon: facts.daemon, duplicateKeys: facts.duplicateKeys, running });
    }
    for (const rule of AUDIT_FAMILIES.toolkit) {
        judge(rule, "host", { toolkit: facts.toolkit, aptSources: facts.aptSources, options: options.toolkit, advisories: options.advisories });
    }
    for (const rule of AUDIT_FAMILIES.live) {
        judge(rule, "host", { ...facts.host, options: options.live, advisories: options.advisories });
    }
    for (const rule of AUDIT_FAMILIES.audit) {
        judge(rule, "host", facts.audit);
    }
    const daemon = containerDaemonFacts(facts);
    for (const container of facts.containers) {
        for (const rule of AUDIT_FAMILIES.container) {
            judge(rule, `container ${container.name}`, { container, daemon, options: options.container });
        }
    }
    return findings;
}

/** 0 clean, 1 a mandatory rule failed (or any rule, with failOn "advisory"), 2 a node could not be audited. */
export function exitCode(results: readonly NodeResult[], failOn: EnforcementLevel = "mandatory"): 0 | 1 | 2 {
    if (results.some((r) => r.status !== "audited")) {
        return 2;
    }
    const counts = (f: Finding) => f.status === "fail" && (failOn === "advisory" || f.enforcement === "mandatory");
    return results.some((r) => r.findings.some(counts)) ? 1 : 0;
}

export const catalogRuleIds = () => catalog.map((r) => r.id);
