// Probe output -> the facts each rule family judges. Pure: every parser here is tested offline
// on recorded probe output.
import { parseAuditPaths } from "../lib/auditPaths";
import { parseDriverVersion } from "../lib/advisories";
import { parseObserved } from "../lib/fileModes";
import { parseArgvLines, parseUnitFiles } from "../lib/dockerdCommandLine";
import { duplicateKeys } from "../lib/jsonDuplicateKeys";
import { parseAuditRules, parseAuditRulesFiles } from "../lib/auditRulesFile";
import { readRuntimeConfig, TOOLKIT_PACKAGES, toolkitConfigError, tomlProblem } from "../lib/toolkitConfig";
import { AuditFacts } from "../rules/auditRules";
import { ContainerSpec } from "../rules/containerRules";
import { DaemonJson } from "../rules/daemonRules";
import { DockerInfoFacts, FileStat, HostFacts, PackageVersion } from "../rules/liveRules";
import { AptSourceFact, TOOLKIT_CONFIG_KEYS, ToolkitFacts } from "../rules/toolkitRules";
import { containerSpecFromInspect, DockerInspect, VolumeOptions } from "./inspect";
import { ProbeOutput } from "./probe";


export interface NodeFacts {
    readonly daemon?: DaemonJson;
    /** Keys daemon.json gives twice in one object. */
    readonly duplicateKeys?: readonly string[];
    /** Why daemon.json could not be read, when it exists but is not JSON. */
    readonly daemonError?: string;
    readonly distro?: string;
    readonly toolkit?: ToolkitFacts["toolkit"];
    readonly aptSources: readonly AptSourceFact[];
    readonly host: Omit<HostFacts, "options">;
    readonly containers: readonly ContainerSpec[];
    /** CIS 1.1.x: the node's Docker paths and the auditd watches in force. */
    readonly audit: AuditFacts;
    /** Problems gathering facts that do not stop the audit (docker not answering, say). */
    readonly warnings: readonly string[];
}

export interface DpkgEntry {
    readonly version: string;
    readonly installed: boolean;
}

export function parseDpkg(text: string): Record<string, DpkgEntry> {
    const packages: Record<string, DpkgEntry> = {};
    for (const line of text.split("\n")) {
        const [name, version, status] = line.split("\t");
        if (name && version !== undefined) {
            packages[name] = { version, installed: (status ?? "")[1] === "i" };
        }
    }
    return packages;
}

export function parseOsRelease(text: string): string | undefined {
    const match = /^ID=("?)([^"\n]*)\1$/m.exec(text);
    return match ? match[2] : undefined;
}

/** One-line (.list) and deb822 (.sources) apt sources, with the file each came from. */
export function parseAptSources(text: string): { origin: string; uri: string; signedBy?: string; options: Record<string, string> }[] {
    const sources: { origin: string; uri: string; signedBy?: string; options: Record<string, string> }[] = [];
    let file = "";
    const blocks: { origin: string; lines: string[] }[] = [];
    for (const line of text.split("\n")) {
        const header = /^### (.+)$/.exec(line);
        if (header) {
            file = header[1];
            blocks.push({ origin: file, lines: [] });
            continue;
        }
        blocks[blocks.length - 1]?.lines.push(line);
    }
    for (const block of blocks) {
        if (block.origin.endsWith(".sources")) {
            for (const stanza of block.lines.join("\n").split(/\n\s*\n/)) {
                const fields: Record<string, string> = {};
                let last = "";
                for (const line of stanza.split("\n")) {
                    if (/^\s*#/.test(line)) {
                        continue;
                    }
                    const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
                    if (field) {
                        last = field[1].toLowerCase();
                        fields[last] = field[2].trim();
                    } else if (/^\s+\S/.test(line) && last) {
                        fields[last] += `\n${line.trim()}`;
                    }
                }
                if (!fields.types || !fields.uris || /^no$/i.test(fields.enabled ?? "")) {
                    continue;
                }
                for (const uri of fields.uris.split(/\s+/)) {
                    sources.push({ origin: block.origin, uri, signedBy: fields["signed-by"], options: fields });
                }
            }
            continue;
        }
        for (const raw of block.lines) {
            const line = raw.replace(/#.*$/, "").trim();
            const match = /^deb(?:-src)?\s+(?:\[([^\]]*)\]\s+)?(\S+)/.exec(line);
            if (!match) {
                continue;
            }
            // "key=value", and apt's "key+=value" / "key-=value" forms, keys case-insensitive
            const options = Object.fromEntries((match[1] ?? "").trim().split(/\s+/).filter((o) => o.includes("="))
                .map((o) => [o.slice(0, o.indexOf("=")).replace(/[+-]$/, "").toLowerCase(), o.slice(o.indexOf("=") + 1)]));
            sources.push({ origin: block.origin, uri: match[2], signedBy: options["signed-by"], options });
        }
    }
    return sources;
}

/** "### /path" headers each followed by primary fingerprints. */
export function parseKeyrings(text: string): Record<string, string[]> {
    const keyrings: Record<string, string[]> = {};
    let current: string[] | undefined;
    for (const line of text.split("\n")) {
        const header = /^### (.+)$/.exec(line);
        if (header) {
            current = keyrings[header[1]] = [];
        } else if (current && /^[0-9A-F]{40}$/i.test(line.trim())) {
            current.push(line.trim().toUpperCase());
        }
    }
    return keyrings;
}

/** The probe's stat section, read as FileModes reads its own (lib/fileModes.ts); an absent file has only its path. */
/** The part of `docker info --format '{{json .}}'` the rules read. */
interface DockerInfo {
    ServerVersion?: string;
    Runtimes?: Record<string, { path?: string }>;
    DefaultRuntime?: string;
    SecurityOptions?: string[] | null;
    LiveRestoreEnabled?: boolean;
    Swarm?: { LocalNodeState?: string };
    Images?: number;
    Containers?: number;
    ContainersRunning?: number;
}

function dockerInfoFacts(info: DockerInfo, imagesInUse: ReadonlySet<string>): DockerInfoFacts {
    return {
        securityOptions: info.SecurityOptions ?? [],
        liveRestore: info.LiveRestoreEnabled,
        swarm: info.Swarm?.LocalNodeState ?? "",
        images: info.Images ?? 0,
        imagesInUse: imagesInUse.size,
        containers: info.Containers ?? 0,
        containersRunning: info.ContainersRunning ?? 0,
    };
}

/** "DIR\nMOUNTPOINT" from the probe; undefined when findmnt could not say. */
export function parseRootMount(section: { code: number; stdout: string }): { dir: string; mountPoint: string } | undefined {
    const [dir, mountPoint] = section.stdout.split("\n").map((l) => l.trim());
    return section.code === 0 && dir && mountPoint ? { dir, mountPoint } : undefined;
}

/** getent's "docker:x:999:alice,bob" -> ["alice", "bob"]. */
export function parseGroupMembers(line: string): string[] {
    const members = line.trim().split(":")[3] ?? "";
    return members.split(",").map((m) => m.trim()).filter((m) => m !== "");
}

/** The TLS files daemon.json names, as dockerd reads the keys (strings; anything else it refuses). */
export function tlsFilesOf(daemon: DaemonJson): { key: string; path: string }[] {
    return ["tlscacert", "tlscert", "tlskey"].flatMap((key) => (typeof daemon[key] === "string" && daemon[key] !== "" ? [{ key, path: daemon[key] as string }] : []));
}

/** `docker volume inspect` output: each volume's driver and options by name. */
export function parseVolumes(text: string): VolumeOptions {
    const volumes = JSON.parse(text) as { Name?: string; Driver?: string; Options?: Record<string, string> | null }[];
    return new Map(volumes.filter((v) => v.Name !== undefined).map((v) => [v.Name as string, { driver: v.Driver, options: v.Options ?? undefined }]));
}

/** "### <full container id>" then "PID COMMAND" lines (docker top -o pid,comm, header dropped). */
export function parseContainerProcesses(text: string): Map<string, string[]> {
    const byId = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of text.split("\n")) {
        const header = /^### ([0-9a-f]{64})$/.exec(line);
        if (header) {
            current = [];
            byId.set(header[1], current);
        } else if (current !== undefined && line.trim() !== "") {
            current.push(line.trim().replace(/^\d+\s+/, ""));
        }
    }
    return byId;
}

export function parseStat(text: string): FileStat[] {
    const seen = new Set<string>();
    // a file may be listed twice (a CIS path and the /etc/docker tree): the first line counts
    return parseObserved(text).filter((file) => !seen.has(file.path) && (seen.add(file.path), true)).map((file) => (file.state === "present" ? { path: file.path, owner: file.owner, group: file.group, mode: file.mode }
        : file.state === "symlink" ? { path: file.path, symlink: true } : { path: file.path }));
}

/** Keyrings of the distribution's own archive: those sources are the OS's business, not ours. */
const DISTRIBUTION_KEYRINGS = /\/(debian-archive|ubuntu-archive|ubuntu-cloudimage)-[a-z0-9-]*keyring\.(gpg|pgp|asc)$/;
const DISTRIBUTION_HOSTS = /^https?:\/\/(deb\.debian\.org|security\.debian\.org|ftp\.[a-z]+\.debian\.org|[a-z.]*archive\.ubuntu\.com|security\.ubuntu\.com|ports\.ubuntu\.com)\//;

/** Third-party sources (the toolkit's and any other vendor's): the distribution's own archive is left out. */
export function thirdPartySources(sources: readonly { origin: string; uri: string; signedBy?: string; options?: Record<string, string> }[], keyrings: Record<string, string[]>): AptSourceFact[] {
    return sources
        .filter((s) => !(s.signedBy !== undefined && DISTRIBUTION_KEYRINGS.test(s.signedBy)) && !(s.signedBy === undefined && DISTRIBUTION_HOSTS.test(s.uri)))
        .map((s) => ({
            origin: s.origin,
            uri: s.uri,
            signedBy: s.signedBy,
            options: s.options,
            fingerprints: s.signedBy === undefined ? undefined
                : s.signedBy.startsWith("/") ? (keyrings[s.signedBy] ?? [])
                    : s.signedBy.split(/[\s,]+/).filter((f) => /^[0-9A-Fa-f]{40}$/.test(f)),
        }));
}

export function factsFromProbe(probe: ProbeOutput): NodeFacts {
    const warnings: string[] = [];
    let daemon: DaemonJson | undefined;
    let daemonError: string | undefined;
    let duplicates: string[] | undefined;
    const daemonSection = probe["daemon-json"];
    if (daemonSection.code === 0) {
        try {
            daemon = JSON.parse(daemonSection.stdout) as DaemonJson;
            duplicates = duplicateKeys(daemonSection.stdout);
        } catch (error) {
            daemonError = `/etc/docker/daemon.json is not JSON: ${(error as Error).message}`;
            warnings.push(daemonError);
        }
    } else {
        daemon = {}; // no daemon.json: Docker's defaults apply, and the rules judge those
    }
    const distro = parseOsRelease(probe.os.stdout);
    const dpkg = parseDpkg(probe.dpkg.stdout);
    const installed = (name: string) => (dpkg[name]?.installed ? dpkg[name].version : null);
    const toolkitVersion = installed("nvidia-container-toolkit") ?? installed("nvidia-container-toolkit-base") ?? undefined;
    const anyToolkit = TOOLKIT_PACKAGES.some((p) => installed(p) !== null);
    const configToml = probe["config-toml"];
    const configProblem = configToml.code === 0 ? tomlProblem(configToml.stdout) : undefined;
    if (configProblem !== undefined) {
        // the toolkit cannot load it either; the rules then judge NVIDIA's defaults
        warnings.push(`/etc/nvidia-container-runtime/config.toml is not valid TOML: ${configProblem}`);
    }
    const toolkit: ToolkitFacts["toolkit"] = anyToolkit ? {
        version: toolkitVersion,
        packages: Object.fromEntries(TOOLKIT_PACKAGES.map((p) => [p, installed(p)])),
        runtimeConfig: configToml.code === 0 ? readRuntimeConfig(configToml.stdout, TOOLKIT_CONFIG_KEYS) : undefined,
        // the toolkit's own reader refused the file (remote/toolkit-config-reading.sh): a finding, not a pass
        ...(configToml.code !== 0 ? { runtimeConfigError: toolkitConfigError(configToml.stderr, configToml.code) } : {}),
    } : undefined;

    const pkg = (names: string[]): PackageVersion | undefined => {
        for (const name of names) {
            const version = installed(name);
            if (version !== null) {
                return { version, from: "dpkg", distro, package: name };
            }
        }
        return undefined;
    };
    // Debian/Ubuntu's runc package; otherwise (containerd.io bundles it) the binary's own version
    const runcBinary = /runc version (\S+)/.exec(probe["runc-version"].stdout)?.[1];
    const runc = pkg(["runc"]) ?? (runcBinary ? { version: runcBinary, from: "binary" as const } : undefined);

    let info: DockerInfo | undefined;
    if (probe["docker-info"].code === 0) {
        try {
            info = JSON.parse(probe["docker-info"].stdout);
        } catch {
            warnings.push("docker info did not print JSON");
        }
    } else {
        warnings.push(`docker info failed: ${probe["docker-info"].stderr.trim().split("\n")[0] ?? ""}`);
    }
    const engine = pkg(["docker.io", "docker-ce"]) ?? (info?.ServerVersion ? { version: info.ServerVersion, from: "binary" as const } : undefined);

    const [seccompPath, seccompHash] = probe["seccomp-sha256"].stdout.split("\n");
    const seccompConfigured = daemon !== undefined && typeof daemon["seccomp-profile"] === "string" && daemon["seccomp-profile"] !== "unconfined";

    const processes = probe["container-processes"].code === 0 ? parseContainerProcesses(probe["container-processes"].stdout) : new Map<string, string[]>();
    if (probe["container-processes"].code !== 0) {
        warnings.push(`listing the containers' processes failed: ${probe["container-processes"].stderr.trim().split("\n")[0] ?? ""}`);
    }
    let containers: ContainerSpec[] = [];
    const imageIds = new Set<string>();
    if (probe.containers.code === 0) {
        try {
            const inspected = JSON.parse(probe.containers.stdout) as (DockerInspect & { Image?: string })[];
            inspected.forEach((inspect) => inspect.Image && imageIds.add(inspect.Image));
            const volumes = probe.volumes.code === 0 ? parseVolumes(probe.volumes.stdout) : new Map();
            if (probe.volumes.code !== 0) {
                warnings.push(`listing the volumes failed: ${probe.volumes.stderr.trim().split("\n")[0] ?? ""}`);
            }
            containers = inspected.map((inspect) => containerSpecFromInspect(inspect, processes.get(inspect.Id ?? ""), volumes));
        } catch {
            warnings.push("docker inspect did not print JSON");
        }
    } else {
        warnings.push(`listing containers failed: ${probe.containers.stderr.trim().split("\n")[0] ?? ""}`);
    }

    return {
        audit: auditFacts(probe, warnings),
        daemon,
        duplicateKeys: duplicates,
        daemonError,
        distro,
        toolkit,
        aptSources: thirdPartySources(parseAptSources(probe["apt-sources"].stdout), parseKeyrings(probe.keyrings.stdout)),
        host: {
            runc,
            engine,
            runtimes: info?.Runtimes ? Object.fromEntries(Object.entries(info.Runtimes).map(([k, v]) => [k, v.path ?? ""])) : undefined,
            defaultRuntime: info?.DefaultRuntime,
            seccomp: seccompConfigured ? { path: seccompPath, sha256: seccompHash?.trim() || undefined } : undefined,
            docker: info === undefined ? undefined : dockerInfoFacts(info, imageIds),
            tlsFiles: daemon === undefined ? undefined : tlsFilesOf(daemon),
            dockerRootMount: parseRootMount(probe["docker-root-mount"]),
            dockerd: probe["dockerd-argv"].code === 0
                ? {
                    argv: parseArgvLines(probe["dockerd-argv"].stdout),
                    fileTlsVerify: daemon?.tlsverify === true,
                    unitFiles: probe["docker-unit"].code === 0 ? parseUnitFiles(probe["docker-unit"].stdout) : undefined,
                }
                : undefined,
            // getent exits 2 when there is no docker group: no member can reach the socket that way
            dockerGroup: probe["docker-group"].code === 0 ? parseGroupMembers(probe["docker-group"].stdout) : undefined,
            files: parseStat(probe.stat.stdout),
            driver: probe["nvidia-driver"].code === 0
                ? { version: parseDriverVersion(probe["nvidia-driver"].stdout), raw: probe["nvidia-driver"].stdout }
                : undefined,
        },
        containers,
        warnings,
    };
}

/**
 * The watches in force: auditctl -l where auditd runs (what the kernel enforces), otherwise the
 * rules files (what auditd loads when it starts). Lines auditctl would refuse are warnings: a
 * broken line stops augenrules from loading the rest of the file.
 */
export function auditFacts(probe: ProbeOutput, warnings: string[]): AuditFacts {
    const resolved = probe["audit-paths"].code === 0 ? parseAuditPaths(probe["audit-paths"].stdout) : undefined;
    const files = parseAuditRulesFiles(probe["audit-rules"].stdout);
    warnings.push(...files.problems.map((p) => `audit rules: ${p}`));
    if (probe["audit-loaded"].code === 0) {
        return { resolved, watches: parseAuditRules(probe["audit-loaded"].stdout).watches, watchesFrom: "loaded" };
    }
    return { resolved, watches: files.watches, watchesFrom: "files" };
}
