// HardenedGpuContainer's arguments, one validator per kind of argument: the image and its
// registry, the user, the GPUs and how they reach the container, paths, numbers and addresses.
// Each returns the problems it finds, worded for the user; lib/containerSpec.ts collects them.
import { isIP } from "node:net";
import type { GpuRequestMechanism } from "./containerSpec";
import { parseImageReference, registryAllowed } from "../rules/imageReference";
import { CDI_DEVICE_NAME } from "./patterns";

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const IMAGE_REF = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$|^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
const GPU_INDEX = /^\d+(?::\d+)?$/;
const GPU_UUID = /^(GPU|MIG)-[0-9A-Za-z-/]+$/;
const ALL_GPUS = new Set(["all", "none", "void", ""]);
export const DEVICE_ENV = ["NVIDIA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES_OVERRIDE", "NVIDIA_MIG_CONFIG_DEVICES", "NVIDIA_MIG_MONITOR_DEVICES", "NVIDIA_IMEX_CHANNELS"];
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MIB = 1024 * 1024;


export { isUnder } from "../rules/normalisers/hostPath";

export function registryProblems(image: string, allowed: readonly string[]): string[] {
    const registry = parseImageReference(image).registry;
    if (registry === undefined || registryAllowed(registry, allowed)) {
        return [];
    }
    return [`"image" ${JSON.stringify(image)} comes from ${registry}, which is not in "allowedRegistries" (${allowed.join(", ")}): add the fleet's own registry there, on purpose`];
}

export function imageProblems(image: string, allowTag: boolean): string[] {
    if (typeof image !== "string" || image.trim() === "") {
        return ['"image" is required: a reference pinned by digest, "repo@sha256:<64 hex digits>"'];
    }
    if (DIGEST.test(image)) {
        return [`"image" ${JSON.stringify(image)} is an image ID, whose registry is not known: use "registry/repository@sha256:<64 hex digits>"`];
    }
    if (!IMAGE_REF.test(image)) {
        return [`"image" ${JSON.stringify(image)} is not an image reference ("repo@sha256:<64 hex digits>")`];
    }
    if (image.includes("@")) {
        return [];
    }
    return allowTag ? [] : [`"image" ${JSON.stringify(image)} is not pinned by digest: use "repo@sha256:<64 hex digits>" (what runs can change under a tag), or set allowTag: true on purpose`];
}

export function userProblems(user: string | undefined): string[] {
    if (user === undefined || user.trim() === "") {
        return ['"user" is required: a non-root numeric "UID:GID" such as "1000:1000" (images run as root unless told otherwise)'];
    }
    const match = /^(\d+)(?::(\d+))?$/.exec(user.trim());
    if (!match) {
        return [`"user" ${JSON.stringify(user)} must be numeric "UID:GID" (a name can map to root inside the image)`];
    }
    const problems: string[] = [];
    if (Number(match[1]) === 0) {
        problems.push(`"user" ${JSON.stringify(user)} is root (UID 0): use a non-root UID`);
    }
    if (match[2] !== undefined && Number(match[2]) === 0) {
        problems.push(`"user" ${JSON.stringify(user)} has the root group (GID 0): use a non-root GID`);
    }
    return problems;
}

export interface GpuChoice {
    readonly mechanism: "mounts" | "device-requests" | "cdi";
    readonly ids: string[];
}

export function gpuChoice(gpus: readonly string[] | undefined, request: GpuRequestMechanism | undefined, defaultRequest: GpuRequestMechanism, problems: string[]): GpuChoice | undefined {
    if (!Array.isArray(gpus) || gpus.length === 0) {
        problems.push('"gpus" must name at least one GPU by index ("0"), UUID ("GPU-…") or CDI name ("nvidia.com/gpu=0")');
        return undefined;
    }
    if (request !== undefined && request !== "mounts" && request !== "device-requests") {
        problems.push(`"gpuRequest" ${JSON.stringify(request)} is not "mounts" or "device-requests"`);
    }
    const ids = gpus.map((g) => String(g).trim());
    const before = problems.length;
    for (const id of ids) {
        const tail = id.includes("=") ? id.slice(id.lastIndexOf("=") + 1) : id;
        if (ALL_GPUS.has(id.toLowerCase()) || ALL_GPUS.has(tail.toLowerCase())) {
            problems.push(`"gpus" entry ${JSON.stringify(id)} does not name one GPU: list GPUs by index, UUID or CDI name, never all (another tenant's GPU memory and time)`);
        } else if (!GPU_INDEX.test(id) && !GPU_UUID.test(id) && !CDI_DEVICE_NAME.test(id)) {
            problems.push(`"gpus" entry ${JSON.stringify(id)} is not a GPU index ("0", "0:1" for MIG), UUID ("GPU-…", "MIG-…") or CDI name ("nvidia.com/gpu=0")`);
        }
    }
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (duplicates.length > 0) {
        problems.push(`"gpus" lists ${[...new Set(duplicates)].join(", ")} more than once`);
    }
    const cdi = ids.filter((id) => CDI_DEVICE_NAME.test(id));
    if (cdi.length > 0 && cdi.length < ids.length) {
        problems.push('"gpus" mixes CDI names with indices or UUIDs: use one kind (they reach the container by different mechanisms)');
    }
    if (cdi.length > 0 && request !== undefined) {
        problems.push('"gpuRequest" applies to indices and UUIDs only: CDI names are always CDI device requests');
    }
    if (problems.length > before) {
        return undefined;
    }
    return { mechanism: cdi.length > 0 ? "cdi" : (request ?? defaultRequest), ids };
}

export function absolutePathProblems(what: string, p: string): string[] {
    if (typeof p !== "string" || !p.startsWith("/")) {
        return [`${what} ${JSON.stringify(p)} must be an absolute path`];
    }
    if (p.split("/").includes("..")) {
        return [`${what} ${JSON.stringify(p)} must not contain ".."`];
    }
    return [];
}

export function positive(what: string, value: number | undefined, options: { integer?: boolean; required?: boolean; max?: number } = {}): string[] {
    if (value === undefined) {
        return options.required ? [`${what} is required`] : [];
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || (options.integer && !Number.isInteger(value))) {
        return [`${what} ${JSON.stringify(value)} must be a positive ${options.integer ? "integer" : "number"}`];
    }
    if (options.max !== undefined && value > options.max) {
        return [`${what} ${value} is more than ${options.max}`];
    }
    return [];
}

/** An IPv4 or IPv6 address as node parses them (stricter than a pattern: "1:::2" is not one). */
export function isIp(address: string): boolean {
    return isIP(address) !== 0;
}
