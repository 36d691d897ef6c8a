// CIS Docker Benchmark 1.6.0 container controls beyond the isolation core of containerRules.ts:
// confinement (AppArmor, SELinux), what runs and listens (sshd, ports), resource hygiene (CPU
// priority, ulimits, cgroup parent, health) and mount propagation. Each says in its rationale why
// it is mandatory or advisory. Where a fact is known only on the node (the image's HEALTHCHECK, the
// daemon's settings, the processes), a preview says so instead of guessing.
import { ContainerRule, named, securityOpt, securityOptValues } from "./containerFacts";
import { cis, fail, notApplicable, pass, passWithNote } from "./rule";

/** Docker's own privileged range: ports below 1025 need CAP_NET_BIND_SERVICE on the host. */
const PRIVILEGED_PORT_LIMIT = 1024;

export const containerAppArmor: ContainerRule = {
    id: "GNH-CONTAINER-APPARMOR",
    title: "Containers run under an AppArmor profile where the host has AppArmor",
    severity: "high",
    controls: [cis("5.2")],
    rationale: "Mandatory: apparmor=unconfined removes the docker-default profile that denies writes to /proc and /sys and mounts; on an AppArmor host a container without a profile has lost that layer. Hosts without AppArmor have nothing to apply (SELinux, 5.3, is their equivalent).",
    remediation: "Remove --security-opt apparmor=unconfined; to relax the profile, load a profile of your own and name it (--security-opt apparmor=<profile>).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, daemon }) => {
        if (securityOpt(container, "apparmor") === "unconfined" || container.appArmorProfile === "unconfined") {
            return fail(`${named(container)} runs with AppArmor unconfined`);
        }
        if (container.appArmorProfile === undefined || daemon?.appArmor === undefined) {
            return pass; // only an explicit unconfined can be seen before the node is known
        }
        if (!daemon.appArmor) {
            return notApplicable("the host's Docker does not use AppArmor");
        }
        return container.appArmorProfile === "" ? fail(`${named(container)} runs without an AppArmor profile on a host that has AppArmor`) : pass;
    },
};

export const containerSelinux: ContainerRule = {
    id: "GNH-CONTAINER-SELINUX",
    title: "SELinux labelling is not disabled for containers",
    severity: "high",
    controls: [cis("5.3")],
    rationale: "Mandatory: label=disable (or label:disable) turns off SELinux separation for the container, so a process that escapes its namespaces meets no MAC policy. Docker labels every container on an SELinux host unless told not to.",
    remediation: "Remove --security-opt label=disable; give a type or level of your own with label=type:... if the default one is too strict.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, daemon }) => {
        if (securityOptValues(container, "label").some((v) => v === "disable")) {
            return fail(`${named(container)} disables SELinux labelling (label=disable)`);
        }
        return daemon?.selinux === false ? notApplicable("the host's Docker does not use SELinux") : pass;
    },
};

export const containerSshd: ContainerRule = {
    id: "GNH-CONTAINER-SSHD",
    title: "No SSH daemon runs inside a container",
    severity: "medium",
    controls: [cis("5.7")],
    rationale: "Mandatory: an sshd in a GPU container is a second way in, with its own keys and users, outside the host's access control and audit; docker exec covers debugging. Judged from the processes the host sees in the container (docker top), so nothing runs inside it.",
    remediation: "Remove sshd from the image or entrypoint; use docker exec (or kubectl exec) to reach the container.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: ({ container }) => {
        if (container.running === false) {
            return notApplicable(`${named(container)} is not running: its processes are known only while it runs`);
        }
        if (container.processes === undefined) {
            return container.running === true ? fail(`${named(container)} runs, and its processes could not be read`) : notApplicable("the processes are known on the node");
        }
        return container.processes.some((p) => p === "sshd" || p.startsWith("sshd:")) ? fail(`${named(container)} runs sshd`) : pass;
    },
};

export const containerPrivilegedPorts: ContainerRule = {
    id: "GNH-CONTAINER-PRIVILEGED-PORTS",
    title: "No privileged host port (1-1024) is published",
    severity: "low",
    controls: [cis("5.8")],
    rationale: "Advisory: a container that takes a host port below 1025 can stand in for a system service (ssh on 22, DNS on 53); an ingress that needs 443 is a reviewed exception, so this warns rather than blocks.",
    remediation: "Publish a port above 1024 (-p 127.0.0.1:8443:443) and let the load balancer or host firewall map the well-known port.",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const low = container.ports.filter((p) => p.external > 0 && p.external <= PRIVILEGED_PORT_LIMIT);
        return low.length > 0 ? fail(`${named(container)} publishes privileged host port${low.length > 1 ? "s" : ""} ${low.map((p) => `${p.external}/${p.protocol}`).join(", ")}`) : pass;
    },
};

export const containerPortsReview: ContainerRule = {
    id: "GNH-CONTAINER-PORTS-REVIEW",
    title: "Only chosen ports are published (no -P)",
    severity: "low",
    controls: [cis("5.9")],
    rationale: "Advisory: -P publishes every port the image EXPOSEs, chosen by whoever built the image, on every interface. Ports listed one by one are a choice someone made; they are named here for review.",
    remediation: "Replace -P (publishAllPorts) with -p for each port the workload must serve, bound to one address.",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        if (container.publishAllPorts) {
            return fail(`${named(container)} publishes every exposed port (-P)`);
        }
        return container.ports.length > 0
            ? passWithNote(`${named(container)} publishes ${container.ports.map((p) => `${p.hostIp || "*"}:${p.external}->${p.internal}/${p.protocol}`).join(", ")}`)
            : pass;
    },
};

export const containerCpuPriority: ContainerRule = {
    id: "GNH-CONTAINER-CPU-PRIORITY",
    title: "Containers have a CPU bound (shares, --cpus or a quota)",
    severity: "low",
    controls: [cis("5.12")],
    rationale: "Advisory: a data loader without a CPU bound can starve the node's other jobs and dockerd; GPU jobs differ too much for one number to be mandatory.",
    remediation: "Set --cpus (nanoCpus; HardenedGpuContainer's `cpus`) or --cpu-shares below the default 1024 for background work.",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const cpu = container.cpu;
        if (cpu === undefined) {
            return notApplicable("CPU settings are not known");
        }
        if (![cpu.shares, cpu.nanoCpus, cpu.quota].every(Number.isFinite)) {
            return fail(`${named(container)}: its CPU settings cannot be read (${JSON.stringify(cpu)})`);
        }
        const shares = cpu.shares > 0 && cpu.shares !== 1024;
        return shares || cpu.nanoCpus > 0 || cpu.quota > 0 ? pass : fail(`${named(container)} has no CPU bound (no --cpus, --cpu-quota or --cpu-shares)`);
    },
};

export const containerUlimits: ContainerRule = {
    id: "GNH-CONTAINER-ULIMITS",
    title: "Containers run with ulimits (their own or the daemon's defaults)",
    severity: "low",
    controls: [cis("5.19")],
    rationale: "Advisory: without limits on open files and processes one container can exhaust the node's; the hardened daemon's default-ulimits (CIS 2.8) give every container some, which --ulimit overrides where a workload needs more.",
    remediation: "Keep the daemon's default-ulimits (HardenedDockerDaemon sets them), or give the container --ulimit nofile=...:... .",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: ({ container, daemon }) => {
        if ((container.ulimits ?? []).length > 0) {
            return pass;
        }
        if (daemon?.defaultUlimits === undefined) {
            return notApplicable("whether the daemon sets default-ulimits is known on the node");
        }
        return daemon.defaultUlimits ? passWithNote("the daemon's default-ulimits apply") : fail(`${named(container)} has no ulimit and the daemon sets no default-ulimits`);
    },
};

export const containerMountPropagation: ContainerRule = {
    id: "GNH-CONTAINER-MOUNT-PROPAGATION",
    title: "No mount is shared with the host (propagation shared or rshared)",
    severity: "high",
    controls: [cis("5.20")],
    rationale: "Mandatory: with shared propagation a mount made inside the container appears on the host (and the reverse), so a container with mount rights can place files over host paths.",
    remediation: "Drop the shared/rshared bind option (the default, rprivate, keeps mounts apart).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const shared = container.mounts.filter((m) => m.propagation === "shared" || m.propagation === "rshared");
        return shared.length > 0 ? fail(`${named(container)} mounts ${shared.map((m) => `${m.target} (${m.propagation})`).join(", ")} with shared propagation`) : pass;
    },
};

export const containerCgroupParent: ContainerRule = {
    id: "GNH-CONTAINER-CGROUP-PARENT",
    title: "Containers stay in Docker's own cgroup",
    severity: "low",
    controls: [cis("5.25")],
    rationale: "Advisory: --cgroup-parent places the container under a cgroup whose limits Docker does not set; it has uses (a slice per team), so it is reported for confirmation, not refused.",
    remediation: "Remove --cgroup-parent unless the parent cgroup's limits were chosen for it.",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) =>
        container.cgroupParent !== undefined && container.cgroupParent !== "" ? fail(`${named(container)} runs under cgroup parent ${container.cgroupParent}`) : pass,
};

export const containerHealthcheck: ContainerRule = {
    id: "GNH-CONTAINER-HEALTHCHECK",
    title: "Containers have a health check",
    severity: "low",
    controls: [cis("4.6"), cis("5.27")],
    rationale: "Advisory: a GPU job that hangs (an NCCL deadlock, a stuck data loader) holds its GPUs while looking alive; a health check makes that visible. Whether one is needed is the workload's call.",
    remediation: "Add HEALTHCHECK to the image or --health-cmd to the container (healthcheck input).",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        if (container.healthcheck === undefined) {
            return notApplicable("the image's HEALTHCHECK is known on the node");
        }
        return container.healthcheck === "set" ? pass : fail(`${named(container)} has no health check`);
    },
};

export const containerDefaultBridge: ContainerRule = {
    id: "GNH-CONTAINER-DEFAULT-BRIDGE",
    title: "Containers on docker0 cannot reach each other (icc off), or use a network of their own",
    severity: "low",
    controls: [cis("5.30")],
    rationale: "Advisory: every container on the default bridge shares docker0; with icc on they can reach each other's ports. The hardened daemon turns icc off (CIS 2.2), which is what this control guards against; a user-defined network is better still.",
    remediation: "Keep \"icc\": false (HardenedDockerDaemon), or run the container on a network of its own (--network).",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: ({ container, daemon }) => {
        const network = container.namespaces.network;
        if (network !== undefined && network !== "" && network !== "default" && network !== "bridge") {
            return pass;
        }
        if (daemon?.iccDisabled === undefined) {
            return notApplicable("daemon.json's icc is known on the node");
        }
        return daemon.iccDisabled ? passWithNote(`${named(container)} is on docker0, where icc is off`) : fail(`${named(container)} is on docker0 and icc is on: containers there reach each other`);
    },
};

export const containerCisRules: readonly ContainerRule[] = [
    containerAppArmor,
    containerSelinux,
    containerSshd,
    containerPrivilegedPorts,
    containerPortsReview,
    containerCpuPriority,
    containerUlimits,
    containerMountPropagation,
    containerCgroupParent,
    containerHealthcheck,
    containerDefaultBridge,
];
