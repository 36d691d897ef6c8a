// Container settings that reach the host's devices and kernel interfaces outside the GPU path:
// non-GPU host devices and device cgroup rules (CIS 5.18), a writable cgroup filesystem, the
// host's cgroup namespace, and supplementary groups that own host resources.
import { ContainerRule, named, securityOpt } from "./containerFacts";
import { parseDockerUser } from "./normalisers/dockerUser";
import { goParseBool } from "./normalisers/goBool";
import { cgroupRuleGrantsGpus, gpuDeviceProblem, parseDeviceCgroupRule } from "./normalisers/gpuRequests";
import { cleanPath } from "./normalisers/hostPath";
import { cis, fail, pass, seed } from "./rule";

export const containerHostDevices: ContainerRule = {
    id: "GNH-CONTAINER-HOST-DEVICES",
    title: "No host device is mapped into a container except GPUs and allow-listed ones",
    severity: "high",
    controls: [cis("5.18")],
    rationale: "Mandatory: a host device in a container is the host's hardware without a filter: /dev/sda is every file on the disk, /dev/mem the kernel's memory, /dev/kmsg its log. GPUs have their own rule and channel; RDMA devices and the like are allow-listed by path on purpose. Device cgroup rules that open devices count too (a cgroup rule plus a bind of /dev is a device mapping), and a rule Docker would not read fails.",
    remediation: "Remove --device (devices) and --device-cgroup-rule (deviceCgroupRules) entries; allow a device the workload needs by path (option allowedDevices).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container, options }) => {
        const allowed = new Set((options?.allowedDevices ?? []).map(cleanPath));
        const devices = container.devices.filter((d) => gpuDeviceProblem(d.hostPath) === undefined && !allowed.has(cleanPath(d.hostPath)));
        // GPU rules are GNH-CONTAINER-GPUS-EXPLICIT's; any other rule opens some device
        const rules = (container.deviceCgroupRules ?? []).filter((r) => !cgroupRuleGrantsGpus(r));
        const problems = [
            ...devices.map((d) => `maps host device ${d.hostPath}`),
            ...rules.map((r) => (parseDeviceCgroupRule(r) === undefined ? `has device cgroup rule "${r}", which Docker cannot read` : `has device cgroup rule "${r}"`)),
        ];
        return problems.length > 0 ? fail(`${named(container)} ${problems.join("; ")}`) : pass;
    },
};

/** Groups that own host resources a container could then open: root, and docker (the socket). */
const HOST_GROUPS = new Set(["root", "docker", "disk", "kmem"]);

export const containerHostCgroups: ContainerRule = {
    id: "GNH-CONTAINER-HOST-CGROUPS",
    title: "The cgroup filesystem stays read-only and the cgroup namespace private",
    severity: "high",
    controls: [seed("container cannot change its own limits")],
    rationale: "Mandatory: --security-opt writable-cgroups=true (any spelling Go's ParseBool reads as true) lets the container rewrite its own limits and, on cgroup v1, set a release_agent that the host runs as root; --cgroupns host shows it the host's whole cgroup tree.",
    remediation: "Remove writable-cgroups from securityOpts and cgroupnsMode host (the default, private, is right).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const writable = securityOpt(container, "writable-cgroups");
        const problems = [
            ...(writable !== undefined && goParseBool(writable === "" ? "true" : writable) !== false ? [`sets writable-cgroups=${writable || "true"}`] : []),
            ...(container.cgroupnsMode === "host" ? ["shares the host's cgroup namespace"] : []),
        ];
        return problems.length > 0 ? fail(`${named(container)} ${problems.join(" and ")}`) : pass;
    },
};

export const containerHostGroups: ContainerRule = {
    id: "GNH-CONTAINER-HOST-GROUPS",
    title: "No supplementary group that owns host resources",
    severity: "high",
    controls: [seed("containers run as non-root")],
    rationale: "Mandatory: --group-add 0, root, docker, disk or kmem gives a non-root user the files those groups own on every host path the container reaches (a mounted docker.sock is group docker); numbers are read as Go's Atoi reads them (00 is root).",
    remediation: "Remove the group from --group-add (groupAdds); give the container's user the group of the files it needs instead.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const bad = (container.groupAdds ?? []).filter((g) => parseDockerUser(g).uid === 0 || HOST_GROUPS.has(g));
        return bad.length > 0 ? fail(`${named(container)} adds group${bad.length > 1 ? "s" : ""} ${bad.join(", ")}`) : pass;
    },
};

export const containerHostAccessRules: readonly ContainerRule[] = [containerHostDevices, containerHostCgroups, containerHostGroups];
