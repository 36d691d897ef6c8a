// GPU requests in every channel the NVIDIA toolkit or the kernel honours, read the way the toolkit
// reads them (internal/config/image: requestsFromMounts, cdiDeviceRequestsFromAnnotations) and the
// way Docker maps devices: volume-mount requests, CDI annotations, host devices (a device node, its
// /dev/char alias, or a directory that holds them) and device cgroup rules. Pure.
import { cleanPath, isUnder } from "./hostPath";

/** Where the toolkit reads GPU requests given as mounts of /dev/null (accept-nvidia-visible-devices-as-volume-mounts). */
export const GPU_MOUNT_ROOT = "/var/run/nvidia-container-devices";
/** The toolkit's default annotation prefix for CDI device requests (honoured with no privilege check). */
export const CDI_ANNOTATION_PREFIX = "cdi.k8s.io/";
/** The NVIDIA driver's character device major (/dev/nvidia0.., /dev/nvidiactl). */
export const NVIDIA_CHAR_MAJOR = 195;

/**
 * The device names requested by mounts, as the toolkit reads them: a mount whose cleaned source is
 * /dev/null and whose cleaned destination starts with the root (a plain string prefix, as the
 * toolkit compares), the rest trimmed of slashes; "cdi/VENDOR/CLASS/NAME" and "cdi/VENDOR/CLASS=NAME"
 * become "VENDOR/CLASS=NAME"; "imex/..." are IMEX channels, not GPUs.
 */
export function gpuRequestsFromMounts(mounts: readonly { readonly source?: string; readonly target: string }[]): string[] {
    const seen = new Set<string>();
    const requests: string[] = [];
    for (const mount of mounts) {
        if (mount.source === undefined || cleanPath(mount.source) !== "/dev/null") {
            continue;
        }
        const destination = cleanPath(mount.target);
        if (seen.has(destination) || !destination.startsWith(GPU_MOUNT_ROOT)) {
            continue;
        }
        seen.add(destination);
        const device = destination.slice(GPU_MOUNT_ROOT.length).replace(/^\/+|\/+$/g, "");
        if (device === "" || device.startsWith("imex/")) {
            continue;
        }
        if (device.startsWith("cdi/")) {
            const name = device.slice("cdi/".length);
            const parts = name.split("/");
            requests.push(name.includes("=") ? name : parts.length >= 3 ? `${parts[0]}/${parts[1]}=${parts.slice(2).join("/")}` : `cdi/${name}`);
        } else {
            requests.push(device);
        }
    }
    return requests;
}

/** CDI device names requested by annotations whose key starts with the toolkit's prefix (comma lists). */
export function cdiRequestsFromAnnotations(annotations: Readonly<Record<string, string>> | undefined): string[] {
    return Object.keys(annotations ?? {}).filter((key) => key.startsWith(CDI_ANNOTATION_PREFIX)).sort()
        .flatMap((key) => (annotations as Record<string, string>)[key].split(","));
}

/** Whether a device request names every GPU: "all", or a CDI name whose device is "all". */
export const requestsAll = (name: string): boolean => name.trim() === "all" || /=all$/.test(name.trim());

const NVIDIA_NODE = /^\/dev\/nvidia/;
const NVIDIA_CHAR_ALIAS = new RegExp(`^/dev/char/${NVIDIA_CHAR_MAJOR}:`);

/** Why mapping this host device (--device) exposes GPUs outside the runtime's selection; undefined when it does not. */
export function gpuDeviceProblem(hostPath: string): string | undefined {
    const path = cleanPath(hostPath);
    if (NVIDIA_NODE.test(path) || NVIDIA_CHAR_ALIAS.test(path)) {
        return `host device ${hostPath} is a GPU device node, mapped directly, bypassing the runtime's GPU selection`;
    }
    // Docker maps every device under a directory given as --device
    if (isUnder("/dev/nvidia0", path) || isUnder(`/dev/char/${NVIDIA_CHAR_MAJOR}:0`, path)) {
        return `host device ${hostPath} is a directory that holds the GPU device nodes: every GPU is mapped`;
    }
    return undefined;
}

/** A device cgroup rule ("c 195:* rwm") split as Docker validates it; undefined when Docker would refuse it. */
export function parseDeviceCgroupRule(rule: string): { type: string; major: string; minor: string; access: string } | undefined {
    const match = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
    return match ? { type: match[1], major: match[2], minor: match[3], access: match[4] } : undefined;
}

/** Whether a device cgroup rule lets the container open GPU device nodes (type a, or c with major 195 or *). */
export function cgroupRuleGrantsGpus(rule: string): boolean {
    const parsed = parseDeviceCgroupRule(rule);
    return parsed !== undefined && (parsed.type === "a" || (parsed.type === "c" && (parsed.major === "*" || Number(parsed.major) === NVIDIA_CHAR_MAJOR)));
}
