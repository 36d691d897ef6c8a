// The GPU rules for containers: GPUs named explicitly, never "all" in any of its spellings, and
// requested through a channel that a hardened toolkit honours for unprivileged containers.
import { ContainerRule, ContainerSpec, DeviceRequest, named } from "./containerFacts";
import { CDI_ANNOTATION_PREFIX, cdiRequestsFromAnnotations, cgroupRuleGrantsGpus, GPU_MOUNT_ROOT, gpuDeviceProblem, gpuRequestsFromMounts, requestsAll } from "./normalisers/gpuRequests";
import { cis, fail, pass, seed } from "./rule";

/** Why a GPU selection is not an explicit list of GPUs; empty when it is. */
function gpuProblems(container: ContainerSpec): string[] {
    const problems: string[] = [];
    const explicitRequest = (r: DeviceRequest) => r.deviceIds.length > 0 && !r.deviceIds.some((id) => id === "all" || /=all$/.test(id));
    for (const request of container.deviceRequests) {
        const spelled = request.driver === "cdi" ? "CDI device" : "GPU request";
        if (request.deviceIds.some((id) => id === "all")) {
            problems.push(`${spelled} with device id "all"`);
        } else if (request.deviceIds.some((id) => /=all$/.test(id))) {
            problems.push(`${spelled} ${request.deviceIds.filter((id) => /=all$/.test(id)).join(", ")}`);
        } else if (!Number.isInteger(request.count)) {
            problems.push(`${spelled} whose count ${JSON.stringify(request.count)} cannot be read`);
        } else if (request.deviceIds.length === 0 && request.count === -1) {
            problems.push("GPU request with count -1 (--gpus all)");
        } else if (request.deviceIds.length === 0 && request.count > 0) {
            problems.push(`GPU request for any ${request.count} GPU(s) by count, not by id`);
        }
    }
    const visible = container.env.NVIDIA_VISIBLE_DEVICES;
    if (visible !== undefined && visible.split(",").map((v) => v.trim()).includes("all")) {
        problems.push("environment NVIDIA_VISIBLE_DEVICES=all");
    }
    if (visible === undefined && container.runtime === "nvidia" && !container.deviceRequests.some(explicitRequest)) {
        problems.push("the nvidia runtime without NVIDIA_VISIBLE_DEVICES (images such as CUDA's default it to all)");
    }
    problems.push(...container.devices.map((d) => gpuDeviceProblem(d.hostPath)).filter((p): p is string => p !== undefined));
    problems.push(...gpuRequestsFromMounts(container.mounts).filter(requestsAll).map((name) => `a volume-mount request for ${name} under ${GPU_MOUNT_ROOT}`));
    problems.push(...cdiRequestsFromAnnotations(container.annotations).filter(requestsAll).map((name) => `a CDI annotation (${CDI_ANNOTATION_PREFIX}...) for ${name}, which the toolkit honours without privilege`));
    problems.push(...(container.deviceCgroupRules ?? []).filter(cgroupRuleGrantsGpus).map((rule) => `device cgroup rule "${rule}", which opens every GPU device node to it`));
    return problems;
}

export const containerGpusExplicit: ContainerRule = {
    id: "GNH-CONTAINER-GPUS-EXPLICIT",
    title: "GPUs are requested by explicit id, UUID or CDI name, never all",
    severity: "high",
    controls: [cis("5.18"), seed("GPU devices isolated")],
    rationale: "A container that gets every GPU can read other tenants' GPU memory and starve their jobs. \"All GPUs\" has many spellings, each read as the toolkit or Docker reads it: --gpus all, device=all, count -1 (or a count Docker cannot read), nvidia.com/gpu=all, NVIDIA_VISIBLE_DEVICES=all, the volume-mount form under /var/run/nvidia-container-devices (cleaned as the toolkit cleans it, and its cdi/ form), CDI annotations (cdi.k8s.io/...), /dev/nvidia* devices and their /dev/char/195:N aliases or a directory that holds them (/dev), and device cgroup rules that open major 195 or every device.",
    remediation: "Request GPUs by CDI name (--device nvidia.com/gpu=0; HardenedGpuContainer gpuChannel \"cdi\"), or by index or UUID through the volume-mount channel (HardenedGpuContainer's default); do not set NVIDIA_VISIBLE_DEVICES=all or map /dev/nvidia* directly.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const problems = gpuProblems(container);
        return problems.length > 0 ? fail(`${named(container)} asks for GPUs without naming them: ${problems.join("; ")}`) : pass;
    },
};

/**
 * Whether a value of NVIDIA_VISIBLE_DEVICES asks for a GPU, read as the toolkit reads it
 * (internal/config/image: devicesFromEnvvars, NewVisibleDevices): split on commas, each item
 * trimmed, empty items dropped; no item, or any item "void", is no GPU; otherwise the first "all"
 * or "none" in order decides ("none": no GPU), and any other item names a device. Case matters.
 */
export function visibleDevicesAskForGpus(value: string): boolean {
    const items = value.split(",").map((item) => item.trim()).filter((item) => item !== "");
    if (items.length === 0 || items.includes("void")) {
        return false;
    }
    const decisive = items.find((item) => item === "all" || item === "none");
    return decisive !== "none";
}

/** The channels a container uses that a hardened toolkit ignores for unprivileged containers. */
function envvarChannels(container: ContainerSpec): string[] {
    const channels: string[] = [];
    for (const request of container.deviceRequests) {
        if (request.driver !== "cdi") {
            channels.push(`a Docker GPU request (--gpus${request.deviceIds.length > 0 ? ` "device=${request.deviceIds.join(",")}"` : request.count === -1 ? " all" : ` ${request.count}`})`);
        }
    }
    const visible = container.env.NVIDIA_VISIBLE_DEVICES;
    if (visible !== undefined && visibleDevicesAskForGpus(visible)) {
        channels.push(`NVIDIA_VISIBLE_DEVICES=${visible}`);
    }
    return channels;
}

export const containerGpuChannel: ContainerRule = {
    id: "GNH-CONTAINER-GPU-CHANNEL",
    title: "Unprivileged containers select GPUs through CDI names or device mounts, not --gpus or NVIDIA_VISIBLE_DEVICES",
    severity: "low",
    controls: [seed("GPU devices isolated")],
    rationale: "A hardened node sets accept-nvidia-visible-devices-envvar-when-unprivileged = false (NVIDIA's default is true, so any image could claim every GPU). Docker's --gpus is passed to the toolkit as that environment variable, so an unprivileged container that asks this way starts without a GPU. Advisory: it is a broken workload, not a weakness; the migration is to CDI names, which dockerd injects itself.",
    remediation: "Replace --gpus '\"device=0\"' (or NVIDIA_VISIBLE_DEVICES=0) with --device nvidia.com/gpu=0 (Docker 26.1 needs \"features\": {\"cdi\": true}, which HardenedDockerDaemon sets; Docker 28+ has it on); in Pulumi, deviceRequests [{ driver: \"cdi\", deviceIds: [\"nvidia.com/gpu=0\"] }] or HardenedGpuContainer with gpuChannel \"cdi\".",
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: ({ container }) => {
        const channels = envvarChannels(container);
        // privileged is read only when it matters: at preview it may be unknown
        if (channels.length === 0 || container.privileged) {
            return pass; // the toolkit honours the variable for privileged containers (which fail their own rule)
        }
        return fail(`${named(container)} asks for GPUs through ${channels.join(" and ")}: on a hardened node an unprivileged container gets no GPU that way; use CDI names (--device nvidia.com/gpu=<index>)`);
    },
};
