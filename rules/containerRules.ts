// Container controls (CIS Docker Benchmark 1.6.0 sections 4 and 5 and the seed checklist) over one
// normalized container spec. Both engines produce that spec: the policy pack from
// `docker:index/container:Container` inputs, the live audit from `docker inspect`
// (policies/containerPolicies.ts and audit/inspect.ts hold the two normalizers), so one check
// judges both, and the parity test runs the same fixtures through the two.
import { ContainerFacts, ContainerRule, DEFAULT_ALLOWED_REGISTRIES, named, securityOpt } from "./containerFacts";
import { containerCisRules } from "./containerCisRules";
import { containerHostAccessRules } from "./containerHostAccessRules";
import { containerGpuChannel, containerGpusExplicit } from "./containerGpuRules";
import { parseImageReference, registryAllowed } from "./imageReference";
import { rootProblem } from "./normalisers/dockerUser";
import { goParseBool } from "./normalisers/goBool";
import { isEveryInterface } from "./normalisers/hostAddress";
import { cleanPath, isUnder, reaches } from "./normalisers/hostPath";

// The spec's types and the GPU rules live beside this file; importers keep one entry point.
export * from "./containerFacts";
export * from "./containerGpuRules";
import { cis, fail, notApplicable, pass, seed, Verdict } from "./rule";




export const containerPrivileged: ContainerRule = {
    id: "GNH-CONTAINER-PRIVILEGED",
    title: "Containers are not privileged",
    severity: "critical",
    controls: [cis("5.5")],
    rationale: "A privileged container has every capability, every host device (all GPUs included) and no seccomp or AppArmor confinement: it is root on the host.",
    remediation: "Remove --privileged (privileged: true); add only the capabilities and devices the workload needs.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => container.privileged ? fail(`${named(container)} is privileged`) : pass,
};

export const containerCapabilities: ContainerRule = {
    id: "GNH-CONTAINER-CAPABILITIES",
    title: "Capabilities: drop ALL, add only allow-listed ones",
    severity: "high",
    controls: [cis("5.4")],
    rationale: "Docker's default set still includes NET_RAW, SETUID, DAC_OVERRIDE and others a GPU job does not need; SYS_ADMIN and friends are container escapes.",
    remediation: "Set --cap-drop ALL (capabilities.drops: [\"ALL\"]) and add back only the allow-listed capabilities the workload needs.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, options }) => {
        const allowed = new Set((options?.allowedCapabilities ?? []).map(normalizeCapability));
        const added = container.capAdd.filter((c) => !allowed.has(c));
        const problems: string[] = [];
        if (added.length > 0) {
            problems.push(`adds ${added.join(", ")}${allowed.size > 0 ? ` (allowed: ${[...allowed].join(", ")})` : ""}`);
        }
        if (!container.capDrop.includes("ALL")) {
            problems.push("does not drop ALL capabilities");
        }
        return problems.length > 0 ? fail(`${named(container)} ${problems.join(" and ")}`) : pass;
    },
};

export const containerNonRoot: ContainerRule = {
    id: "GNH-CONTAINER-NON-ROOT",
    title: "Containers run as a non-root user",
    severity: "high",
    controls: [cis("4.1"), seed("containers run as non-root")],
    rationale: "Root in a container is root on the host's files that it can reach, and the first step of most escapes (including the toolkit's 2024-2025 advisories). Read as runc reads --user: no user, root, and any number Go's Atoi reads as 0 (0, 00, +0), for the user or the group (1000:0, 1000:root).",
    remediation: "Set --user UID:GID (user: \"1000:1000\") or a USER in the image; never 0 or root.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const problem = rootProblem(container.user);
        return problem === undefined ? pass : fail(`${named(container)} ${problem}`);
    },
};

/**
 * Host paths that must never be writable from a container. A bind reaches one when it lies under it
 * or is a directory that holds it (a bind of / or /var reaches them all).
 */
export const SENSITIVE_HOST_PATHS = [
    "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/sys", "/usr", "/bin", "/sbin",
    "/var/lib/docker", "/var/lib/containerd", "/run/containerd", "/var/run/containerd",
    "/var/run/docker.sock", "/run/docker.sock", "/var/run/cdi", "/run/cdi",
];

/** The container runtimes' API sockets (both spellings: /var/run is /run). Any bind that reaches one is root on the node. */
export const RUNTIME_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock"];

/** Go's filepath.Clean (rules/normalisers/hostPath.ts), under the name the rules' users know. */
export const normalizeHostPath = cleanPath;

export const containerSensitiveMounts: ContainerRule = {
    id: "GNH-CONTAINER-SENSITIVE-MOUNTS",
    title: "Sensitive host paths are mounted read-only, if at all",
    severity: "critical",
    controls: [cis("5.6"), seed("sensitive mounts read-only")],
    rationale: "A writable bind of /etc, /, /usr, /proc, /sys or the container runtime's state lets a container rewrite the host: add a user, a cron job, an OCI hook, a toolkit config.toml. Judged on the cleaned path (Go's filepath.Clean, as Docker does: /etc/./x, //etc, /srv/../etc), both ways: a bind under a sensitive path and a bind of a directory that holds one (/var holds /var/lib/docker).",
    remediation: "Mount host paths read-only (:ro, readOnly: true), mount only the subdirectory the workload needs, or allow-list a path on purpose.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, options }) => {
        const allowed = (options?.writableHostPaths ?? []).map(cleanPath);
        const bad = container.mounts.filter((m) => m.type === "bind" && !m.readOnly && m.source !== undefined)
            .map((m) => ({ ...m, source: cleanPath(m.source as string) }))
            .filter((m) => SENSITIVE_HOST_PATHS.some((root) => reaches(m.source, root)))
            .filter((m) => !allowed.some((a) => isUnder(m.source, a) && !SENSITIVE_HOST_PATHS.some((root) => isUnder(root, m.source))));
        return bad.length > 0
            ? fail(`${named(container)} mounts ${bad.map((m) => `${m.source} (at ${m.target})`).join(", ")} read-write`)
            : pass;
    },
};

export const containerDockerSocket: ContainerRule = {
    id: "GNH-CONTAINER-DOCKER-SOCKET",
    title: "The Docker socket is not mounted into containers",
    severity: "critical",
    controls: [cis("5.32")],
    rationale: "The Docker (and containerd) API is root on the host, read-only mount or not (read-only does not stop connect() on a socket): a container holding the socket can start a privileged container. A bind of a directory that holds a socket (/run, /var/run, /var, /) reaches it too.",
    remediation: "Remove the docker.sock mount; give tooling that needs the API a narrowly scoped proxy instead.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const binds = container.mounts.filter((m) => m.type === "bind" && m.source !== undefined);
        const reached = binds.flatMap((m) => RUNTIME_SOCKETS.filter((socket) => isUnder(socket, m.source as string)).map((socket) => ({ mount: m, socket })));
        return reached.length > 0
            ? fail(`${named(container)} reaches ${[...new Set(reached.map((r) => cleanPath(r.mount.source as string) === r.socket ? `the runtime socket ${r.socket}` : `${r.socket} through its bind of ${cleanPath(r.mount.source as string)}`))].join(", ")}`)
            : pass;
    },
};

export const containerHostNamespaces: ContainerRule = {
    id: "GNH-CONTAINER-HOST-NAMESPACES",
    title: "No host network, PID, IPC, UTS or user namespace",
    severity: "high",
    controls: [cis("5.10"), cis("5.16"), cis("5.17"), cis("5.21"), cis("5.31")],
    rationale: "Sharing a host namespace removes the isolation it provides: host network reaches every local service, host PID sees and signals every process, host IPC reads other workloads' shared memory (NCCL uses it).",
    remediation: "Remove --network host, --pid host, --ipc host, --uts host and --userns host (networkMode, pidMode, ipcMode, usernsMode).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const shared = (Object.entries(container.namespaces) as [string, string | undefined][])
            .filter(([, mode]) => mode === "host").map(([ns]) => ns);
        return shared.length > 0 ? fail(`${named(container)} shares the host's ${shared.join(", ")} namespace${shared.length > 1 ? "s" : ""}`) : pass;
    },
};


export const containerSeccomp: ContainerRule = {
    id: "GNH-CONTAINER-SECCOMP",
    title: "Seccomp is not disabled for a container",
    severity: "high",
    controls: [cis("5.22")],
    rationale: "seccomp=unconfined lifts the syscall filter (the node's GPU profile) for this container: kernel attack surface such as io_uring and keyctl comes back. Both separators (seccomp=, seccomp:) count, and of several seccomp options the last one, as in Docker.",
    remediation: "Remove --security-opt seccomp=unconfined; if a workload needs a syscall, add it to a profile of its own.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => securityOpt(container, "seccomp") === "unconfined" ? fail(`${named(container)} runs with seccomp=unconfined`) : pass,
};

export const containerNoNewPrivileges: ContainerRule = {
    id: "GNH-CONTAINER-NO-NEW-PRIVILEGES",
    title: "Containers cannot gain privileges (no-new-privileges)",
    severity: "medium",
    controls: [cis("5.26")],
    rationale: "Without no-new-privileges a setuid binary in the image raises a process back to root. A daemon-wide \"no-new-privileges\": true covers containers that do not set it. The value is read as Docker reads it: the last of several, with Go's ParseBool (0, f, F, false, FALSE, False turn it off; a value ParseBool refuses fails).",
    remediation: "Add --security-opt no-new-privileges=true (securityOpts), or rely on the hardened daemon's default.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, daemon }) => {
        // the last one given counts, its value read as Go's ParseBool reads it (Docker does)
        const value = securityOpt(container, "no-new-privileges");
        const on = value === undefined ? undefined : value === "" ? true : goParseBool(value);
        if (value !== undefined && on === undefined) {
            return fail(`${named(container)} sets no-new-privileges=${value}, which Docker cannot read as a boolean`);
        }
        if (on === false) {
            return fail(`${named(container)} sets no-new-privileges=${value}`);
        }
        if (on === true || daemon?.noNewPrivileges === true) {
            return pass;
        }
        return fail(`${named(container)} does not set no-new-privileges${daemon === undefined ? "" : " and the daemon does not default it"}`);
    },
};

export const containerMemoryLimit: ContainerRule = {
    id: "GNH-CONTAINER-MEMORY-LIMIT",
    title: "Containers have a memory limit",
    severity: "medium",
    controls: [cis("5.11")],
    rationale: "Without a limit one job's host-memory leak (pinned buffers, data loaders) triggers the OOM killer on its neighbours or on dockerd.",
    remediation: "Set --memory (memory, in MB for the Pulumi provider) to what the workload needs.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => container.memoryBytes !== undefined && container.memoryBytes > 0 ? pass : fail(`${named(container)} has no memory limit`),
};

export const containerPidsLimit: ContainerRule = {
    id: "GNH-CONTAINER-PIDS-LIMIT",
    title: "Containers have a PIDs limit",
    severity: "low",
    controls: [cis("5.29")],
    rationale: "A fork bomb in one container exhausts the host's PIDs for everyone. The @pulumi/docker Container has no pids-limit input, so this is judged on live containers only.",
    remediation: "Run with --pids-limit N (for example 4096).",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: ({ container }) => {
        if (container.pidsLimit === undefined && container.source === "inputs") {
            return notApplicable("the Pulumi docker provider cannot set a pids limit");
        }
        return container.pidsLimit !== undefined && container.pidsLimit > 0 ? pass : fail(`${named(container)} has no PIDs limit`);
    },
};

export const MAX_RESTART_RETRIES = 5;

export const containerRestartPolicy: ContainerRule = {
    id: "GNH-CONTAINER-RESTART-POLICY",
    title: "Restart policy is bounded (on-failure, at most 5 retries)",
    severity: "low",
    controls: [cis("5.15")],
    rationale: "always and unless-stopped restart a crashing or compromised container forever, hiding the failure and repeating whatever it does at start.",
    remediation: `Use --restart on-failure:${MAX_RESTART_RETRIES} (restart: "on-failure", maxRetryCount: ${MAX_RESTART_RETRIES}) or no restart policy.`,
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const { name, maxRetries } = container.restart;
        if (name === "" || name === "no") {
            return pass;
        }
        if (name === "on-failure") {
            return maxRetries > 0 && maxRetries <= MAX_RESTART_RETRIES
                ? pass
                : fail(`${named(container)} restarts on failure ${maxRetries > 0 ? `up to ${maxRetries} times` : "without a retry limit"} (at most ${MAX_RESTART_RETRIES})`);
        }
        return fail(`${named(container)} has restart policy "${name}"`);
    },
};

export const containerReadOnlyRootfs: ContainerRule = {
    id: "GNH-CONTAINER-READ-ONLY-ROOTFS",
    title: "The root filesystem is read-only",
    severity: "low",
    controls: [cis("5.13")],
    rationale: "A read-only root filesystem stops an intruder from dropping tools or changing the image's binaries; write only to volumes and tmpfs.",
    remediation: "Run with --read-only (readOnly: true) and mount tmpfs or volumes where the workload writes.",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => container.readOnlyRootfs ? pass : fail(`${named(container)} has a writable root filesystem`),
};

export const containerImagePinned: ContainerRule = {
    id: "GNH-CONTAINER-IMAGE-PINNED",
    title: "Images are pinned by digest and come from an allow-listed registry",
    severity: "high",
    controls: [cis("4.2"), seed("images pinned by digest from a trusted registry")],
    rationale: "A tag can be moved to other content at any time, and a registry outside the fleet's control can serve anything under a familiar name: only a digest says what runs, only a trusted registry says who built it.",
    remediation: "Reference the image as registry/repository@sha256:<digest> (docker buildx imagetools inspect, or the registry's UI, shows it) from nvcr.io or the fleet's own registry; allow more registries in the rule's allowedRegistries.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, options }) => {
        if (container.image === undefined || container.image === "") {
            return notApplicable("the image is not known");
        }
        const ref = parseImageReference(container.image);
        if (ref.digest === undefined) {
            return fail(`${named(container)} runs ${JSON.stringify(container.image)} by tag: pin it by digest (@sha256:…)`);
        }
        if (ref.registry === undefined) {
            // content-addressed, but from nowhere anyone can check (`image: remoteImage.imageId`
            // would hide a RemoteImage pulled by tag from any registry)
            return fail(`${named(container)} runs the image ID ${container.image}, whose registry is not known: reference it as registry/repository@sha256:…`);
        }
        const allowed = options?.allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
        return registryAllowed(ref.registry, allowed)
            ? pass
            : fail(`${named(container)} pulls ${JSON.stringify(container.image)} from ${ref.registry}, which is not an allowed registry (${allowed.join(", ") || "none"})`);
    },
};

export const containerPortsBound: ContainerRule = {
    id: "GNH-CONTAINER-PORTS-BOUND",
    title: "Published ports are bound to one host address",
    severity: "medium",
    controls: [cis("5.14")],
    rationale: "Docker publishes on every interface by default and its iptables rules bypass host firewalls such as ufw: a notebook or metrics port meant for the cluster network ends up on the public one. Every spelling of the unspecified address counts: none, 0.0.0.0, ::, [::], 0:0:0:0:0:0:0:0, ::ffff:0.0.0.0.",
    remediation: "Publish with an address: -p 10.0.0.5:8888:8888 (ports[].ip), never -P; HardenedGpuContainer takes bindAddress.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const open = container.ports.filter((p) => isEveryInterface(p.hostIp));
        const problems = [
            ...(container.publishAllPorts ? ["publishes every exposed port on every interface (-P)"] : []),
            ...open.map((p) => `publishes ${p.external}->${p.internal}/${p.protocol} on every interface`),
        ];
        return problems.length > 0 ? fail(`${named(container)} ${problems.join("; ")}`) : pass;
    },
};

export function normalizeCapability(cap: string): string {
    return cap.trim().toUpperCase().replace(/^CAP_/, "");
}

export const containerRules: readonly ContainerRule[] = [
    containerPrivileged,
    containerCapabilities,
    containerNonRoot,
    containerGpusExplicit,
    containerGpuChannel,
    containerSensitiveMounts,
    containerDockerSocket,
    containerHostNamespaces,
    containerSeccomp,
    containerNoNewPrivileges,
    containerMemoryLimit,
    containerPidsLimit,
    containerRestartPolicy,
    containerReadOnlyRootfs,
    containerImagePinned,
    containerPortsBound,
    ...containerHostAccessRules,
    ...containerCisRules,
];

export function evaluateContainer(facts: ContainerFacts): { rule: ContainerRule; verdict: Verdict }[] {
    return containerRules.map((rule) => ({ rule, verdict: rule.evaluate(facts) }));
}
