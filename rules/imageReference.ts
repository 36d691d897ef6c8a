// An image reference as Docker resolves it ("nvcr.io/nvidia/cuda:12.4@sha256:…", "ubuntu",
// "gnh-registry:5000/gnh/sleep@sha256:…", "sha256:<image id>"): which registry it is pulled
// from and whether it is pinned by content. Docker's rule for the registry: the first path
// component is a registry host when it has a "." or a ":", is "localhost" or has capitals;
// otherwise Docker Hub.

export const DOCKER_HUB = "docker.io";

export interface ImageReference {
    /** Registry host (with port): "nvcr.io", "gnh-registry:5000", "docker.io". Undefined for an image ID. */
    readonly registry?: string;
    readonly repository?: string;
    readonly tag?: string;
    /** "sha256:<64 hex>" when pinned (a reference's digest, or a local image ID). */
    readonly digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function parseImageReference(reference: string): ImageReference {
    const ref = reference.trim();
    if (DIGEST.test(ref)) {
        return { digest: ref };
    }
    const at = ref.indexOf("@");
    const digest = at >= 0 && DIGEST.test(ref.slice(at + 1)) ? ref.slice(at + 1) : undefined;
    let name = at >= 0 ? ref.slice(0, at) : ref;
    let tag: string | undefined;
    const lastColon = name.lastIndexOf(":");
    if (lastColon > name.lastIndexOf("/")) {
        tag = name.slice(lastColon + 1);
        name = name.slice(0, lastColon);
    }
    const slash = name.indexOf("/");
    const first = slash >= 0 ? name.slice(0, slash) : "";
    // Docker's own rule also counts a first component with capitals as a host (repositories are lower case)
    const explicitRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
    return {
        registry: explicitRegistry ? first : DOCKER_HUB,
        repository: explicitRegistry ? name.slice(slash + 1) : name,
        ...(tag !== undefined ? { tag } : {}),
        ...(digest !== undefined ? { digest } : {}),
    };
}

/** Registry hosts compare without case, as DNS names do. */
export function registryAllowed(registry: string, allowed: readonly string[]): boolean {
    return allowed.some((r) => r.toLowerCase() === registry.toLowerCase());
}
