// The one batched probe the audit runs on a node: a fixed script that gathers every fact in a
// single SSH round trip and prints one line per section (name, exit code, base64 of stdout,
// base64 of the head of stderr), so that no file content can be mistaken for a delimiter.
// Parsing is pure and tested offline.
import { auditPathSpec } from "../lib/auditPaths";
import { auditRules } from "../rules/auditRules";
import { FILES_TO_STAT } from "../rules/liveRules";
import { RUNTIME_CONFIG_PATH, TOOLKIT_PACKAGES } from "../lib/toolkitConfig";
import { SECCOMP_PROFILE_PATH } from "../rules/daemonRules";
import { remoteScript } from "../lib/remoteScripts";

export const PROBE_PACKAGES = [...TOOLKIT_PACKAGES, "docker.io", "docker-ce", "runc", "containerd", "containerd.io"] as const;

/**
 * $1 default seccomp profile path, $2 config.toml path, $3 space-separated package names,
 * $4 the audit rules' path spec (lib/auditPaths.ts), then the files to stat. Read-only: it
 * changes nothing on the node.
 */
export const PROBE_SCRIPT = remoteScript("audit-probe", {}, ["audit-paths", "gpg-primaries", "stat-paths", "dockerd-command-line", "toolkit-config-reading"]);

export function probeArgs(): string[] {
    const audit = auditPathSpec(auditRules.map((r) => ({ ruleId: r.id, sources: r.sources })));
    // every file under /etc/docker too: the TLS files daemon.json names usually live there
    return [SECCOMP_PROFILE_PATH, RUNTIME_CONFIG_PATH, PROBE_PACKAGES.join(" "), audit, ...FILES_TO_STAT, "+/etc/docker"];
}

export interface ProbeSection {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export type ProbeOutput = Readonly<Record<string, ProbeSection>>;

export const PROBE_SECTIONS = ["os", "daemon-json", "docker-info", "docker-root-mount", "docker-group", "docker-unit", "dockerd-argv", "seccomp-sha256", "dpkg", "runc-version", "config-toml",
    "apt-sources", "keyrings", "stat", "audit-paths", "audit-rules", "audit-loaded", "nvidia-driver", "container-processes", "volumes", "containers"] as const;

export function parseProbeOutput(text: string): ProbeOutput {
    const sections: Record<string, ProbeSection> = {};
    for (const line of text.split("\n")) {
        const match = /^([a-z0-9-]+) (\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)$/.exec(line);
        if (!match) {
            continue;
        }
        sections[match[1]] = {
            code: Number(match[2]),
            stdout: Buffer.from(match[3], "base64").toString("utf8"),
            stderr: Buffer.from(match[4], "base64").toString("utf8"),
        };
    }
    const missing = PROBE_SECTIONS.filter((s) => sections[s] === undefined);
    if (missing.length > 0) {
        throw new Error(`the probe's output lacks section${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
    }
    return sections;
}
