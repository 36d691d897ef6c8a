// Facts that only a live host has: the runc and Docker engine it really runs, the runtimes that
// `docker info` reports, the seccomp profile on disk, and the owner and mode of the files CIS
// section 3 names. Judged by the live audit only (checkedAt: audit).
import { AdvisoryData, BUILT_IN_ADVISORIES, driverAdvisoriesFor, RuntimeAdvisory } from "../lib/advisories";
import { compareDebianVersions } from "../lib/debianVersion";
import { filesMatching, modeAllowed, statArguments } from "../lib/fileModes";
import { compareVersions } from "../lib/toolkitConfig";
import { AUDIT_RULES_MODE, AUDIT_RULES_PATH } from "./auditRules";
import { hostCisRules } from "./hostCisRules";
import { cis, ControlRef, fail, isCis, notApplicable, nvidiaBulletin, pass, Rule, seed, uniqueControls, Verdict } from "./rule";

export interface PackageVersion {
    /** The version string as installed ("1.1.15+ds1-2+deb13u1" from dpkg; "1.1.15" from runc --version). */
    readonly version: string;
    /** "dpkg" when a distribution package, "binary" when read from the binary itself. */
    readonly from: "dpkg" | "binary";
    /** The distribution ("debian", "ubuntu") when from dpkg. */
    readonly distro?: string;
    /** The package it came from ("runc", "docker.io", "docker-ce") when from dpkg. */
    readonly package?: string;
}

export interface FileStat {
    readonly path: string;
    /** undefined when the file does not exist. */
    readonly owner?: string;
    readonly group?: string;
    /** Octal permission bits as stat prints them ("644"). */
    readonly mode?: string;
    /** A symbolic link: its target is what counts, and the audit does not follow it. */
    readonly symlink?: boolean;
}

export interface HostFacts {
    readonly runc?: PackageVersion;
    readonly engine?: PackageVersion;
    /** `docker info` runtimes: name -> path. */
    readonly runtimes?: Readonly<Record<string, string>>;
    readonly defaultRuntime?: string;
    /** The daemon-wide seccomp profile: its path and sha256; sha256 undefined = file missing. */
    readonly seccomp?: { readonly path: string; readonly sha256?: string };
    readonly files?: readonly FileStat[];
    /** The NVIDIA kernel driver's version, from /proc/driver/nvidia/version; undefined without a driver. */
    readonly driver?: { readonly version?: string; readonly raw: string };
    readonly options?: LiveRuleOptions;
    /** The advisory data to judge by; the built-in data/advisories.json when absent. */
    readonly advisories?: AdvisoryData;
    /** What the running daemon reports (docker info); undefined when it did not answer. */
    readonly docker?: DockerInfoFacts;
    /** Docker's root directory and the mount point of the filesystem that holds it (findmnt). */
    readonly dockerRootMount?: { readonly dir: string; readonly mountPoint: string };
    /** The running dockerd's argv (/proc/PID/cmdline) and daemon.json's tlsverify; undefined when dockerd does not run. */
    readonly dockerd?: { readonly argv: readonly string[]; readonly fileTlsVerify?: boolean; readonly unitFiles?: readonly string[] };
    /** Members of the docker group; undefined when there is no such group. */
    readonly dockerGroup?: readonly string[];
    /** The TLS files daemon.json names (tlscacert, tlscert, tlskey). */
    readonly tlsFiles?: readonly { readonly key: string; readonly path: string }[];
}

export interface DockerInfoFacts {
    /** SecurityOptions as docker info lists them: "name=apparmor", "name=seccomp,profile=...", "name=rootless". */
    readonly securityOptions: readonly string[];
    /** LiveRestoreEnabled as the running daemon reports it. */
    readonly liveRestore?: boolean;
    /** Swarm.LocalNodeState: "inactive", "active", "pending", "locked", "error" ("" when unknown). */
    readonly swarm: string;
    readonly images: number;
    /** Distinct images that some container (running or not) was created from. */
    readonly imagesInUse: number;
    readonly containers: number;
    readonly containersRunning: number;
}

export interface LiveRuleOptions {
    /** sha256 values of the profiles this fleet deploys; empty = the profile is not judged. */
    readonly seccompSha256?: readonly string[];
}

export type LiveRule = Rule<HostFacts>;


/** "1.1.15+ds1-2+deb13u1" -> "1.1.15"; "1:20.10.5+dfsg1-1" -> "20.10.5"; "1.0.0~rc93" -> "1.0.0-rc93". */
export function upstreamOf(version: string): string {
    return version.replace(/^\d+:/, "").replace(/-[^-]*$/, "").replace(/\+.*$/, "").replace(/~/g, "-");
}

/** Semver-like order: a pre-release ("1.4.0-rc.3", "1.0.0-rc93") sorts before its release. */
export function compareUpstream(a: string, b: string): number {
    const split = (v: string) => {
        const dash = v.indexOf("-");
        return dash < 0 ? [v, ""] : [v.slice(0, dash), v.slice(dash + 1)];
    };
    const [baseA, preA] = split(a);
    const [baseB, preB] = split(b);
    const base = compareVersions(baseA, baseB);
    if (base !== 0) {
        return base;
    }
    if (preA === "" || preB === "") {
        return preA === preB ? 0 : preA === "" ? 1 : -1;
    }
    const num = (p: string) => p.replace(/^rc\.?/, "");
    return compareVersions(num(preA), num(preB));
}

function affected(advisory: RuntimeAdvisory, upstream: string): boolean {
    for (const [branch, fixed] of advisory.branchFixes ?? []) {
        if (upstream.startsWith(branch)) {
            return compareUpstream(upstream, fixed) < 0;
        }
    }
    return compareUpstream(upstream, advisory.fixedIn) < 0;
}

/**
 * Judge a runtime version against an advisory table. A distribution package may carry a fix under
 * an old upstream version (Debian and Ubuntu backport): such a package is a finding only when the
 * table knows the distribution's fixed version; otherwise it is reported as "unverified", and the
 * caller decides how loud that is.
 */
export function judgeVersion(pkg: PackageVersion, table: readonly RuntimeAdvisory[], upstreamPackages: readonly string[] = []):
    { affected: string[]; unverified: string[] } {
    // Docker's own docker-ce / containerd.io packages carry upstream builds: judged by upstream fixes
    const upstreamBuild = pkg.from === "binary" || (pkg.package !== undefined && upstreamPackages.includes(pkg.package));
    const upstream = pkg.from === "dpkg" ? upstreamOf(pkg.version) : pkg.version.replace(/^v/, "");
    const result = { affected: [] as string[], unverified: [] as string[] };
    for (const advisory of table) {
        if (!affected(advisory, upstream)) {
            continue;
        }
        const describe = `${advisory.cves.join(", ")} (upstream fix ${[advisory.fixedIn, ...(advisory.branchFixes ?? []).map(([, f]) => f)].join(" / ")}${advisory.mitigation ? `; mitigation: ${advisory.mitigation}` : ""})`;
        if (upstreamBuild) {
            result.affected.push(describe);
            continue;
        }
        const distroFix = advisory.distroFixed?.[pkg.distro ?? ""];
        const known = distroFix === undefined || distroFix.judged === false ? undefined : distroFix.versions;
        if (known !== undefined && known.some((fixed) => sameRelease(fixed, pkg.version))) {
            const fixed = known.find((f) => sameRelease(f, pkg.version)) as string;
            if (compareDebianVersions(pkg.version, fixed) < 0) {
                result.affected.push(`${describe}, fixed in ${pkg.distro} ${fixed}`);
            }
            continue;
        }
        result.unverified.push(describe);
    }
    return result;
}

/** Same distribution release: the same upstream version (backports keep it). */
function sameRelease(fixed: string, installed: string): boolean {
    return upstreamOf(fixed) === upstreamOf(installed);
}

function versionRule(id: string, component: "runc" | "engine", label: string, title: string): LiveRule {
    const table = BUILT_IN_ADVISORIES[component];
    return {
        id,
        title,
        severity: "high",
        // CIS 1.2.2 (Docker up to date): judged against the advisory data, as for runc
        controls: [cis("1.2.2"), seed(`${component} version patched`)],
        rationale: `Container escapes through ${label} (${table.flatMap((a) => a.cves).join(", ")}) bypass every container setting. Distributions backport fixes under old upstream version numbers, so a Debian or Ubuntu package is judged against the distribution's fixed version where it is known, and otherwise reported as advice to check the distribution's security tracker.`,
        remediation: `Upgrade ${label} (apt-get install --only-upgrade ${component === "runc" ? "runc" : "docker.io or docker-ce"}); check the distribution's security tracker for the CVEs named.`,
        enforcement: "advisory",
        checkedAt: ["audit"],
        evaluate: (facts: HostFacts): Verdict => {
            const pkg = facts[component];
            if (pkg === undefined) {
                return notApplicable(`the ${label} version is not known`);
            }
            const data = facts.advisories ?? BUILT_IN_ADVISORIES;
            const { affected: bad, unverified } = judgeVersion(pkg, data[component], data.upstreamPackages[component]);
            if (bad.length > 0) {
                return fail(`${label} ${pkg.version} is affected by ${bad.join("; ")}`);
            }
            if (unverified.length > 0) {
                return fail(`${label} ${pkg.version} is a ${pkg.distro ?? "distribution"} package of an upstream version affected by ${unverified.join("; ")}; whether ${pkg.distro ?? "the distribution"} backported the fix is not known here: check its security tracker`);
            }
            return pass;
        },
    };
}

export const runtimeRuncVersion = versionRule("GNH-RUNTIME-RUNC-ADVISORIES", "runc", "runc", "runc has the fixes for known container escapes");
export const runtimeEngineVersion = versionRule("GNH-RUNTIME-ENGINE-ADVISORIES", "engine", "the Docker engine", "The Docker engine has the fixes for known container escapes");

export const driverAdvisories: LiveRule = {
    id: "GNH-DRIVER-ADVISORIES",
    title: "The NVIDIA GPU driver has the fixes of NVIDIA's driver bulletins",
    severity: "high",
    controls: BUILT_IN_ADVISORIES.driver.map((a) => nvidiaBulletin(a.cves.join(", "))),
    rationale: "The kernel driver is reachable from every GPU container (the device nodes are its interface): NVIDIA's driver bulletins (data/advisories.json) fix escalations from a container to the host kernel. Judged from /proc/driver/nvidia/version, the driver that is loaded, not the package on disk.",
    remediation: "Install the fixed driver of the node's branch (or move to a branch the bulletin fixes) and reboot or reload the module.",
    links: ["https://github.com/NVIDIA/product-security"],
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts: HostFacts): Verdict => {
        if (facts.driver === undefined) {
            return notApplicable("no NVIDIA driver is loaded (/proc/driver/nvidia/version is absent)");
        }
        if (facts.driver.version === undefined) {
            // fail closed: a driver is loaded but its version cannot be read
            return fail(`/proc/driver/nvidia/version does not name a driver version: ${JSON.stringify(facts.driver.raw.split("\n")[0] ?? "")}`);
        }
        const data = facts.advisories ?? BUILT_IN_ADVISORIES;
        const open = driverAdvisoriesFor(facts.driver.version, data);
        return open.length === 0 ? pass : fail(`driver ${facts.driver.version} is affected by ${open.map(({ advisory, reason }) => `${advisory.cves.join(", ")} (${advisory.severity}, ${advisory.id}: ${reason}; ${advisory.source})`).join("; ")} [${data.origin}, ${data.updated}]`);
    },
};

export const runtimeNvidiaRegistered: LiveRule = {
    id: "GNH-RUNTIME-NVIDIA-REGISTERED",
    title: "dockerd runs the nvidia runtime from an absolute path",
    severity: "medium",
    controls: [seed("runtime parameters as expected")],
    rationale: "What daemon.json says and what dockerd loaded can differ (a daemon not reloaded, a drop-in flag). `docker info` is what runs: the nvidia runtime must be there, by absolute path.",
    remediation: "Apply daemon.json (HardenedDockerDaemon) and reload dockerd; check `docker info --format '{{json .Runtimes}}'`.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        if (facts.runtimes === undefined) {
            return notApplicable("docker info is not known");
        }
        const path = facts.runtimes.nvidia;
        if (path === undefined) {
            return fail(`dockerd has no nvidia runtime (runtimes: ${Object.keys(facts.runtimes).join(", ") || "none"})`);
        }
        return path.startsWith("/") ? pass : fail(`dockerd runs the nvidia runtime as ${JSON.stringify(path)}, looked up on its PATH`);
    },
};

export const runtimeSeccompProfile: LiveRule = {
    id: "GNH-RUNTIME-SECCOMP-PROFILE",
    title: "The daemon's seccomp profile on disk is the one the fleet deploys",
    severity: "high",
    controls: [cis("2.17"), seed("seccomp profile")],
    rationale: "daemon.json names a file; whoever can replace that file sets the syscall filter of every new container. Its sha256 must be one the fleet deploys.",
    remediation: "Re-apply SeccompProfile (npm run pulumi -- up --refresh), then find out who changed the file.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        const expected = facts.options?.seccompSha256 ?? [];
        if (facts.seccomp === undefined) {
            return notApplicable("no daemon-wide seccomp profile is configured (GNH-DAEMON-SECCOMP-PROFILE judges that)");
        }
        if (facts.seccomp.sha256 === undefined) {
            return fail(`the seccomp profile ${facts.seccomp.path} named in daemon.json does not exist`);
        }
        if (expected.length === 0) {
            return notApplicable("no expected profile hash is configured (--seccomp-sha256, or run `npm run setup` so that the deployed profile can be rendered)");
        }
        return expected.includes(facts.seccomp.sha256)
            ? pass
            : fail(`the seccomp profile ${facts.seccomp.path} has sha256 ${facts.seccomp.sha256}, not the deployed profile's ${expected.join(" or ")}`);
    },
};

/**
 * CIS section 3 (and the toolkit's root-hook inputs): owner, group and the most permissive mode.
 * `enforced`: CisFileModes tightens it on `up` (files other resources write enforce their own mode).
 */
export interface FileExpectation {
    readonly paths: readonly string[];
    readonly owner: string;
    readonly group: string;
    /** Octal permission bits, the most permissive allowed ("644"): compared as bits, never as numbers. */
    readonly mode: string;
    /** What the expectation implements: CIS ids, or what it is for where CIS says nothing. */
    readonly controls: readonly ControlRef[];
    readonly enforced?: boolean;
}

export const FILE_EXPECTATIONS: readonly FileExpectation[] = [
    { paths: ["/lib/systemd/system/docker.service", "/usr/lib/systemd/system/docker.service", "/etc/systemd/system/docker.service"], owner: "root", group: "root", mode: "644", controls: [cis("3.1"), cis("3.2")], enforced: true },
    { paths: ["/lib/systemd/system/docker.socket", "/usr/lib/systemd/system/docker.socket", "/etc/systemd/system/docker.socket"], owner: "root", group: "root", mode: "644", controls: [cis("3.3"), cis("3.4")], enforced: true },
    { paths: ["/etc/docker"], owner: "root", group: "root", mode: "755", controls: [cis("3.5"), cis("3.6")], enforced: true },
    // sockets: systemd recreates them from docker.socket / containerd's own settings on restart, with these same values
    { paths: ["/var/run/docker.sock"], owner: "root", group: "docker", mode: "660", controls: [cis("3.15"), cis("3.16")], enforced: true },
    // Docker reads a registry's CA (*.crt), client certificate (*.cert) and key (*.key) from certs.d/<host:port>/
    { paths: ["/etc/docker/certs.d/**/*.crt", "/etc/docker/certs.d/**/*.cert"], owner: "root", group: "root", mode: "444", controls: [cis("3.7"), cis("3.8")], enforced: true },
    { paths: ["/etc/docker/certs.d/**/*.key"], owner: "root", group: "root", mode: "400", controls: [cis("3.7"), cis("3.8")], enforced: true },
    { paths: ["/etc/docker/daemon.json"], owner: "root", group: "root", mode: "644", controls: [cis("3.17"), cis("3.18")], enforced: true },
    { paths: ["/etc/default/docker"], owner: "root", group: "root", mode: "644", controls: [cis("3.19"), cis("3.20")], enforced: true },
    { paths: ["/etc/sysconfig/docker"], owner: "root", group: "root", mode: "644", controls: [cis("3.21"), cis("3.22")], enforced: true },
    { paths: ["/run/containerd/containerd.sock"], owner: "root", group: "root", mode: "660", controls: [cis("3.23"), cis("3.24")], enforced: true },
    { paths: ["/etc/docker/seccomp.json"], owner: "root", group: "root", mode: "644", controls: [cis("2.17"), seed("seccomp profile writable by root only")] },
    { paths: ["/etc/nvidia-container-runtime/config.toml"], owner: "root", group: "root", mode: "644", controls: [seed("toolkit config.toml writable by root only")] },
    { paths: ["/etc/cdi", "/var/run/cdi"], owner: "root", group: "root", mode: "755", controls: [seed("CDI spec directories writable by root only")] },
    // a spec anyone but root can write is a hook that runs as root in every GPU container
    { paths: ["/etc/cdi/nvidia.yaml", "/var/run/cdi/nvidia.yaml"], owner: "root", group: "root", mode: "644", controls: [seed("CDI specs writable by root only")] },
    { paths: [AUDIT_RULES_PATH], owner: "root", group: "root", mode: AUDIT_RULES_MODE.replace(/^0/, ""), controls: [seed("audit rules file writable by root only")] },
];

/** "CIS 3.17, 3.18" or what the expectation is for, for messages. */
function controlsShort(controls: readonly ControlRef[]): string {
    const cisIds = controls.filter(isCis).map((c) => c.id);
    return [...(cisIds.length > 0 ? [`CIS ${cisIds.join(", ")}`] : []), ...controls.filter((c) => !isCis(c)).map((c) => c.id)].join("; ");
}

export const FILES_TO_STAT: readonly string[] = statArguments(FILE_EXPECTATIONS.flatMap((e) => e.paths));


export const runtimeFilePermissions: LiveRule = {
    id: "GNH-RUNTIME-FILE-PERMISSIONS",
    title: "Docker, containerd and toolkit files have CIS owners and modes",
    severity: "high",
    controls: uniqueControls(FILE_EXPECTATIONS.flatMap((e) => e.controls)),
    rationale: "Whoever can write docker.service, daemon.json, the seccomp profile, config.toml or a CDI spec decides what runs as root for every container; a group-writable docker.sock is root for that group.",
    remediation: "chown and chmod each file listed to the owner and mode shown (modes are maxima: 600 is fine where 644 is allowed).",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        if (facts.files === undefined) {
            return notApplicable("file modes are not known");
        }
        const problems: string[] = [];
        for (const expectation of FILE_EXPECTATIONS) {
            for (const stat of expectation.paths.flatMap((p) => filesMatching(p, facts.files ?? []))) {
                const path = stat.path;
                if (stat?.symlink) {
                    problems.push(`${path} is a symbolic link: the audit judges files, not links; put the file itself there`);
                    continue;
                }
                if (stat.mode === undefined) {
                    continue; // absent files are not a finding here
                }
                const owner = `${stat.owner}:${stat.group}`;
                const wanted = `${expectation.owner}:${expectation.group}`;
                if (owner !== wanted || !modeAllowed(stat.mode, expectation.mode)) {
                    problems.push(`${path} is ${owner} ${stat.mode}, expected ${wanted} ${expectation.mode} or stricter (${controlsShort(expectation.controls)})`);
                }
            }
        }
        return problems.length > 0 ? fail(problems.join("; ")) : pass;
    },
};

export const liveRules: readonly LiveRule[] = [
    runtimeRuncVersion,
    runtimeEngineVersion,
    driverAdvisories,
    runtimeNvidiaRegistered,
    runtimeSeccompProfile,
    runtimeFilePermissions,
    ...hostCisRules,
];
