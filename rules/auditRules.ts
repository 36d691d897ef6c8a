// CIS Docker Benchmark 1.6.0 section 1.1.3-1.1.18: auditd watches on the Docker daemon, its
// configuration and the binaries under it. One catalog entry per CIS control, each with where
// the thing lives (`sources`, resolved on the node: Debian's dockerd is /usr/sbin/dockerd, units
// live where systemd says). The same entry drives what DockerAuditRules writes, what the policy
// pack checks in preview (the AuditRules resource's planned controls) and what the audit checks
// on a node (the watches in its rules, for the paths that exist there).
import { cis, fail, notApplicable, pass, Rule } from "./rule";

/** Where a watched object lives: a literal path, a binary looked up on the node, or a systemd unit's file. */
export type AuditSource =
    | { readonly path: string }
    | { readonly binary: string }
    | { readonly unit: string };

/** One auditd file watch as a rules file or `auditctl -l` states it. */
export interface AuditWatch {
    readonly path: string;
    /** Permission filter ("wa"); "rwxa" when the rule has none (auditd's default: every access). */
    readonly perms: string;
    readonly key?: string;
}

export interface AuditFacts {
    /** Audit: the node's real paths for each rule id (only paths that exist); undefined = not known. */
    readonly resolved?: Readonly<Record<string, readonly string[]>>;
    /** Audit: the watches in force: loaded ones when auditd runs, else those of the rules files. */
    readonly watches?: readonly AuditWatch[];
    /** Where `watches` came from, for messages: "loaded" (auditctl -l) or "files" (/etc/audit). */
    readonly watchesFrom?: "loaded" | "files";
    /** Preview: the rule ids an AuditRules resource will watch. */
    readonly planned?: readonly string[];
}

export interface AuditWatchRule extends Rule<AuditFacts> {
    readonly sources: readonly AuditSource[];
}

/** The permission filter we write: writes and attribute changes (chmod, chown). */
export const AUDIT_PERMS = "wa";
export const AUDIT_KEY = "docker";
export const AUDIT_RULES_PATH = "/etc/audit/rules.d/gnh-docker.rules";
/** CIS 3.x-style expectation for our own rules file: auditd's rules are root's business. */
export const AUDIT_RULES_MODE = "0640";

/** A watch covers a path when it names that path and filters at least writes and attribute changes. */
export function watchCovers(watch: AuditWatch, path: string): boolean {
    const trimmed = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
    return trimmed(watch.path) === trimmed(path) && [...AUDIT_PERMS].every((p) => watch.perms.includes(p));
}

/** Preview facts from an AuditRules resource's inputs ({targets: [{ruleId, sources}]}). */
export function plannedAuditFacts(inputs: Readonly<Record<string, unknown>>): AuditFacts {
    const targets = Array.isArray(inputs.targets) ? inputs.targets as { ruleId?: unknown }[] : [];
    return { planned: targets.map((t) => String(t?.ruleId)) };
}

const describeSource = (s: AuditSource) => ("path" in s ? s.path : "binary" in s ? `${s.binary} (found on the node)` : `${s.unit} (its unit file)`);

function auditRule(control: string, slug: string, what: string, sources: readonly AuditSource[], why: string): AuditWatchRule {
    const id = `GNH-AUDIT-${slug}`;
    return {
        id,
        title: `auditd watches ${what}`,
        severity: "medium",
        controls: [cis(control)],
        rationale: `${why} An auditd watch records who changed it and when; without one, a change that weakens every container leaves no trace.`,
        remediation: `Apply DockerAuditRules (GpuNode does): it writes "-w <path> -p ${AUDIT_PERMS} -k ${AUDIT_KEY}" for ${sources.map(describeSource).join(", ")} into ${AUDIT_RULES_PATH} and loads it with augenrules --load where auditd runs.`,
        enforcement: "advisory",
        checkedAt: ["preview", "audit"],
        sources,
        evaluate: (facts) => {
            if (facts.planned !== undefined) {
                return facts.planned.includes(id) ? pass : fail(`the audit rules resource does not watch ${what} (CIS ${control})`);
            }
            if (facts.resolved === undefined) {
                return notApplicable("the node's Docker paths are not known");
            }
            const paths = facts.resolved[id] ?? [];
            if (paths.length === 0) {
                return notApplicable(`${what} does not exist on this node`);
            }
            if (facts.watches === undefined) {
                return notApplicable("the node's audit rules are not known");
            }
            const missing = paths.filter((p) => !(facts.watches ?? []).some((w) => watchCovers(w, p)));
            if (missing.length > 0) {
                const from = facts.watchesFrom === "loaded" ? "loaded auditd rules (auditctl -l)" : "audit rules files";
                return fail(`no auditd watch with -p ${AUDIT_PERMS} for ${missing.join(", ")} in the ${from}`);
            }
            return pass;
        },
    };
}

const bin = (binary: string): AuditSource => ({ binary });

export const auditRules: readonly AuditWatchRule[] = [
    auditRule("1.1.3", "DOCKERD", "the Docker daemon binary", [bin("dockerd")],
        "dockerd runs as root and starts every container; a replaced binary owns the host."),
    auditRule("1.1.4", "RUN-CONTAINERD", "/run/containerd", [{ path: "/run/containerd" }],
        "/run/containerd holds containerd's socket and the state of running containers."),
    auditRule("1.1.5", "VAR-LIB-DOCKER", "/var/lib/docker", [{ path: "/var/lib/docker" }],
        "/var/lib/docker holds images, container filesystems and volumes."),
    auditRule("1.1.6", "ETC-DOCKER", "/etc/docker", [{ path: "/etc/docker" }],
        "/etc/docker holds daemon.json, the seccomp profile and TLS keys."),
    auditRule("1.1.7", "DOCKER-SERVICE", "docker.service", [{ unit: "docker.service" }],
        "docker.service decides dockerd's flags and environment."),
    auditRule("1.1.8", "CONTAINERD-SOCK", "containerd's socket", [{ unit: "containerd.socket" }, { path: "/run/containerd/containerd.sock" }],
        "Whoever talks to containerd's socket runs containers as root, past dockerd's settings."),
    auditRule("1.1.9", "DOCKER-SOCKET", "docker.socket", [{ unit: "docker.socket" }],
        "docker.socket decides who may open the Docker API socket."),
    auditRule("1.1.10", "ETC-DEFAULT-DOCKER", "/etc/default/docker", [{ path: "/etc/default/docker" }],
        "/etc/default/docker sets dockerd's options on Debian and Ubuntu."),
    auditRule("1.1.11", "DAEMON-JSON", "/etc/docker/daemon.json", [{ path: "/etc/docker/daemon.json" }],
        "daemon.json sets the daemon-wide hardening (seccomp, no-new-privileges, runtimes)."),
    auditRule("1.1.12", "CONTAINERD-CONFIG", "/etc/containerd/config.toml", [{ path: "/etc/containerd/config.toml" }],
        "containerd's config.toml sets its runtimes and plugins."),
    auditRule("1.1.13", "SYSCONFIG-DOCKER", "/etc/sysconfig/docker", [{ path: "/etc/sysconfig/docker" }],
        "/etc/sysconfig/docker sets dockerd's options on RHEL-family hosts."),
    auditRule("1.1.14", "CONTAINERD", "the containerd binary", [bin("containerd")],
        "containerd runs as root under dockerd and starts every container."),
    auditRule("1.1.15", "CONTAINERD-SHIM", "containerd-shim", [bin("containerd-shim")],
        "The shim runs as root beside every container."),
    auditRule("1.1.16", "CONTAINERD-SHIM-RUNC-V1", "containerd-shim-runc-v1", [bin("containerd-shim-runc-v1")],
        "The shim runs as root beside every container."),
    auditRule("1.1.17", "CONTAINERD-SHIM-RUNC-V2", "containerd-shim-runc-v2", [bin("containerd-shim-runc-v2")],
        "The shim runs as root beside every container."),
    auditRule("1.1.18", "RUNC", "runc", [bin("runc")],
        "runc creates every container's namespaces; container escapes go through it."),
];
