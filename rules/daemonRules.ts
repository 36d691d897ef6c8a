// Docker daemon controls (CIS Docker Benchmark 1.6.0 section 2 and the seed checklist), each
// defined once: what it wants in daemon.json (`desired`, applied by HardenedDockerDaemon) and how
// it judges a daemon.json (`evaluate`, used by the policy pack and the live audit).
import { DaemonJson } from "../lib/daemonJson";
import { daemonCisRules } from "./daemonCisRules";
import { DaemonRule, onDaemon } from "./daemonFacts";
import { cis, fail, pass, seed } from "./rule";

/** A parsed /etc/docker/daemon.json (lib/daemonJson.ts), re-exported for the rules' users. */
export type { DaemonJson };
export type { DaemonFacts, DaemonRule } from "./daemonFacts";

export const NVIDIA_RUNTIME_PATH = "/usr/bin/nvidia-container-runtime";
export const SECCOMP_PROFILE_PATH = "/etc/docker/seccomp.json";


function mustEqual(key: string, expected: unknown, absentMeans: unknown) {
    return onDaemon((daemon) => {
        const actual = key in daemon ? daemon[key] : absentMeans;
        return actual === expected
            ? pass
            : fail(`daemon.json "${key}" is ${key in daemon ? JSON.stringify(actual) : `unset (Docker's default: ${JSON.stringify(absentMeans)})`}; it must be ${JSON.stringify(expected)}`);
    });
}

export const daemonIcc: DaemonRule = {
    id: "GNH-DAEMON-ICC",
    title: "Inter-container communication on the default bridge is off",
    severity: "medium",
    controls: [cis("2.2"), seed("icc false")],
    rationale: "With icc on, every container on docker0 can reach every other one's ports: a compromised job can probe its neighbours' notebooks and metrics endpoints.",
    remediation: 'Set "icc": false in /etc/docker/daemon.json; link containers explicitly through user-defined networks.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { icc: false },
    evaluate: mustEqual("icc", false, true),
};

export const daemonLogLevel: DaemonRule = {
    id: "GNH-DAEMON-LOG-LEVEL",
    title: "Daemon log level is info",
    severity: "low",
    controls: [cis("2.3")],
    rationale: "debug logs can carry request bodies and secrets; warn and above miss the events an incident review needs.",
    remediation: 'Set "log-level": "info" (or remove the key: info is the default).',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    desired: { "log-level": "info" },
    evaluate: mustEqual("log-level", "info", "info"),
};

export const daemonIptables: DaemonRule = {
    id: "GNH-DAEMON-IPTABLES",
    title: "Docker manages iptables",
    severity: "medium",
    controls: [cis("2.4")],
    rationale: "With iptables off, published ports and inter-network isolation depend on hand-made rules that drift.",
    remediation: 'Remove "iptables": false from daemon.json.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: mustEqual("iptables", true, true),
};

export const daemonInsecureRegistries: DaemonRule = {
    id: "GNH-DAEMON-INSECURE-REGISTRIES",
    title: "No insecure registries",
    severity: "high",
    controls: [cis("2.5")],
    rationale: "An insecure registry is pulled from over plain HTTP or unverified TLS: anyone on the path can swap a CUDA image for a backdoored one.",
    remediation: 'Remove "insecure-registries" (serve the registry over TLS with a CA the nodes trust: /etc/docker/certs.d/<registry>/ca.crt).',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => {
        const registries = daemon["insecure-registries"];
        return Array.isArray(registries) && registries.length > 0
            ? fail(`daemon.json "insecure-registries" lists ${registries.map((r) => JSON.stringify(r)).join(", ")}`)
            : pass;
    }),
};

export const daemonTcpTls: DaemonRule = {
    id: "GNH-DAEMON-TCP-TLS",
    title: "A TCP socket is served only with TLS client verification",
    severity: "critical",
    controls: [cis("2.7")],
    rationale: "The Docker API is root on the host. A tcp:// socket without tlsverify gives it to anyone who can reach the port.",
    remediation: 'Remove tcp:// entries from "hosts", or set "tlsverify": true with "tlscacert", "tlscert" and "tlskey".',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => {
        const hosts = Array.isArray(daemon.hosts) ? daemon.hosts.map(String) : [];
        const tcp = hosts.filter((h) => h.startsWith("tcp://"));
        if (tcp.length === 0) {
            return pass;
        }
        const missing = ["tlscacert", "tlscert", "tlskey"].filter((k) => typeof daemon[k] !== "string" || daemon[k] === "");
        if (daemon.tlsverify !== true || missing.length > 0) {
            return fail(`daemon.json serves ${tcp.join(", ")} without ${daemon.tlsverify !== true ? '"tlsverify": true' : ""}${missing.length > 0 ? ` ${missing.join(", ")}` : ""}`.trim());
        }
        return pass;
    }),
};

export const daemonDefaultUlimits: DaemonRule = {
    id: "GNH-DAEMON-DEFAULT-ULIMITS",
    title: "Default ulimits are set",
    severity: "low",
    controls: [cis("2.8")],
    rationale: "Without a default nofile limit one runaway container can exhaust the host's file descriptors and stall every GPU job on it.",
    remediation: 'Set "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 16384, "Hard": 16384}} (raise per container with --ulimit where a workload needs more; the value must not exceed dockerd\'s own hard limit, or containers fail to start).',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    desired: { "default-ulimits": { nofile: { Name: "nofile", Soft: 16384, Hard: 16384 } } },
    evaluate: onDaemon((daemon) => {
        const ulimits = daemon["default-ulimits"];
        return typeof ulimits === "object" && ulimits !== null && Object.keys(ulimits).length > 0
            ? pass
            : fail('daemon.json has no "default-ulimits"');
    }),
};

export const daemonUsernsRemap: DaemonRule = {
    id: "GNH-DAEMON-USERNS-REMAP",
    title: "User namespace remapping (optional on GPU hosts)",
    severity: "low",
    controls: [cis("2.9")],
    rationale: "userns-remap maps container root to an unprivileged host user. On GPU hosts it breaks device access unless /dev/nvidia* and the driver's files are readable by the remapped range, so it is opt-in here and reported as advice.",
    remediation: 'Set "userns-remap": "default" after checking that your GPU images run with it (test nvidia-smi in a container); see docs/daemon.md.',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) =>
        typeof daemon["userns-remap"] === "string" && daemon["userns-remap"] !== ""
            ? pass
            : fail('daemon.json has no "userns-remap" (advisory on GPU hosts)')),
};

export const daemonLogging: DaemonRule = {
    id: "GNH-DAEMON-LOGGING",
    title: "Container logs go to a rotating or central log driver",
    severity: "medium",
    controls: [cis("2.13")],
    rationale: "json-file without rotation fills the disk of a long training run; without logs an incident has no record.",
    remediation: 'Set "log-driver": "local" (rotates by default) or "json-file" with "log-opts": {"max-size": "100m", "max-file": "5"}, or a central driver (syslog, journald, fluentd).',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { "log-driver": "local", "log-opts": { "max-size": "100m", "max-file": "5" } },
    evaluate: onDaemon((daemon) => {
        const driver = typeof daemon["log-driver"] === "string" ? daemon["log-driver"] : "json-file";
        const opts = (typeof daemon["log-opts"] === "object" && daemon["log-opts"] !== null ? daemon["log-opts"] : {}) as Record<string, unknown>;
        if (driver === "none") {
            return fail('daemon.json "log-driver" is "none": container logs are discarded');
        }
        if (driver === "json-file" && opts["max-size"] === undefined) {
            return fail('daemon.json uses the json-file log driver without "log-opts" "max-size": logs grow without bound');
        }
        return pass;
    }),
};

export const daemonNoNewPrivileges: DaemonRule = {
    id: "GNH-DAEMON-NO-NEW-PRIVILEGES",
    title: "Containers cannot gain privileges (no-new-privileges)",
    severity: "high",
    controls: [cis("2.14"), seed("no-new-privileges true")],
    rationale: "Blocks setuid binaries and file capabilities inside containers from raising privileges, the usual step after an image compromise.",
    remediation: 'Set "no-new-privileges": true in daemon.json.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { "no-new-privileges": true },
    evaluate: mustEqual("no-new-privileges", true, false),
};

export const daemonLiveRestore: DaemonRule = {
    id: "GNH-DAEMON-LIVE-RESTORE",
    title: "Containers keep running while dockerd restarts (live-restore)",
    severity: "medium",
    controls: [cis("2.15"), seed("live-restore true")],
    rationale: "Without live-restore every daemon restart (upgrades, config changes) kills running GPU jobs.",
    remediation: 'Set "live-restore": true and apply it with a reload (systemctl reload docker) before any restart.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { "live-restore": true },
    evaluate: mustEqual("live-restore", true, false),
};

export const daemonUserlandProxy: DaemonRule = {
    id: "GNH-DAEMON-USERLAND-PROXY",
    title: "The userland proxy is off",
    severity: "low",
    controls: [cis("2.16"), seed("userland-proxy false")],
    rationale: "docker-proxy is one more root process per published port; hairpin NAT does the same job in the kernel.",
    remediation: 'Set "userland-proxy": false in daemon.json.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { "userland-proxy": false },
    evaluate: mustEqual("userland-proxy", false, true),
};

export const daemonSeccompProfile: DaemonRule = {
    id: "GNH-DAEMON-SECCOMP-PROFILE",
    title: "A daemon-wide seccomp profile is set and is not unconfined",
    severity: "high",
    controls: [cis("2.17"), seed("seccomp profile")],
    rationale: "The profile limits the syscalls every container can make; 'unconfined' removes the limit for all of them at once.",
    remediation: `Set "seccomp-profile": "${SECCOMP_PROFILE_PATH}" (deployed by SeccompProfile).`,
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { "seccomp-profile": SECCOMP_PROFILE_PATH },
    evaluate: onDaemon((daemon) => {
        const profile = daemon["seccomp-profile"];
        if (typeof profile !== "string" || profile === "") {
            return fail('daemon.json has no "seccomp-profile"');
        }
        return profile === "unconfined" ? fail('daemon.json "seccomp-profile" is "unconfined"') : pass;
    }),
};

export const daemonExperimental: DaemonRule = {
    id: "GNH-DAEMON-EXPERIMENTAL",
    title: "Experimental features are off",
    severity: "low",
    controls: [cis("2.18")],
    rationale: "Experimental daemon features are not covered by Docker's stability or security guarantees.",
    remediation: 'Remove "experimental": true from daemon.json.',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: mustEqual("experimental", false, false),
};

export const daemonNvidiaRuntime: DaemonRule = {
    id: "GNH-DAEMON-NVIDIA-RUNTIME",
    title: "The nvidia runtime is registered by absolute path",
    severity: "medium",
    controls: [seed("nvidia runtime")],
    rationale: "A bare 'nvidia-container-runtime' is looked up on dockerd's PATH: whoever can put a binary earlier on that PATH runs it as root for every GPU container.",
    remediation: `Set "runtimes": {"nvidia": {"path": "${NVIDIA_RUNTIME_PATH}", "runtimeArgs": []}}.`,
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    desired: { runtimes: { nvidia: { path: NVIDIA_RUNTIME_PATH, runtimeArgs: [] } } },
    evaluate: onDaemon((daemon) => {
        const runtimes = (typeof daemon.runtimes === "object" && daemon.runtimes !== null ? daemon.runtimes : {}) as Record<string, { path?: unknown }>;
        const nvidia = runtimes.nvidia;
        if (nvidia === undefined) {
            return fail('daemon.json registers no "nvidia" runtime');
        }
        return typeof nvidia.path === "string" && nvidia.path.startsWith("/")
            ? pass
            : fail(`daemon.json runtimes.nvidia.path is ${JSON.stringify(nvidia.path)}, not an absolute path`);
    }),
};

export const daemonCdi: DaemonRule = {
    id: "GNH-DAEMON-CDI",
    title: "Docker's CDI support is on, so unprivileged containers get GPUs by CDI name",
    severity: "low",
    controls: [seed("GPU devices isolated")],
    rationale: "A hardened toolkit ignores NVIDIA_VISIBLE_DEVICES (and so docker run --gpus) for unprivileged containers; CDI names (--device nvidia.com/gpu=0) are the channel that works, injected by dockerd from the specs in /etc/cdi and /var/run/cdi. Docker 26.1 (Debian 13) needs \"features\": {\"cdi\": true}; from Docker 28 it is the default, and setting it stays harmless. Advisory: without it GPU jobs break, nothing is exposed.",
    remediation: 'Set "features": {"cdi": true} in daemon.json (keep any other feature flags beside it), and keep a CDI spec for the GPUs in /etc/cdi or /var/run/cdi (nvidia-ctk cdi generate; the toolkit\'s nvidia-cdi-refresh units from 1.18 on).',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    desired: { features: { cdi: true } },
    evaluate: onDaemon((daemon) => {
        const features = daemon.features;
        if (features !== undefined && (typeof features !== "object" || features === null || Array.isArray(features))) {
            return fail(`daemon.json "features" is ${JSON.stringify(features)}, not an object of feature flags`);
        }
        const cdi = (features as Record<string, unknown> | undefined)?.cdi;
        return cdi === true ? pass : fail(`daemon.json "features.cdi" is ${cdi === undefined ? "unset" : JSON.stringify(cdi)}; it must be true on Docker before 28 for CDI device names to work`);
    }),
};

export const daemonRules: readonly DaemonRule[] = [
    daemonIcc,
    daemonLogLevel,
    daemonIptables,
    daemonInsecureRegistries,
    daemonTcpTls,
    daemonDefaultUlimits,
    daemonUsernsRemap,
    daemonLogging,
    daemonNoNewPrivileges,
    daemonLiveRestore,
    daemonUserlandProxy,
    daemonSeccompProfile,
    daemonExperimental,
    daemonNvidiaRuntime,
    daemonCdi,
    ...daemonCisRules,
];
