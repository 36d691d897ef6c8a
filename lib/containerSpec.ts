// The ONE code path from HardenedGpuContainer's arguments to a normalized container spec. Pure:
// no Pulumi, no SSH. The spec extends the ContainerSpec that the GNH-CONTAINER-* rules judge
// (rules/containerRules.ts) with what Docker also needs to run it (command, ports, CPU, tmpfs
// options); lib/containerAdapters.ts turns it into @pulumi/docker Container inputs and into a
// `docker run` argument list.
//
// Every unsafe argument is refused here, each with its own message, before any resource exists;
// then the finished spec is run through every container rule, so a spec that this module returns
// passes them all (the PIDs limit included: the `docker run` form sets it).
import { ContainerMountSpec, containerGpuChannel, containerImagePinned, ContainerSpec, DEFAULT_ALLOWED_REGISTRIES, DeviceRequest, evaluateContainer, MAX_RESTART_RETRIES, normalizeHostPath, RUNTIME_SOCKETS, SENSITIVE_HOST_PATHS } from "../rules/containerRules";
import { GPU_MOUNT_ROOT } from "../rules/normalisers/gpuRequests";
import { isEveryInterface } from "../rules/normalisers/hostAddress";
import { reaches } from "../rules/normalisers/hostPath";
import { absolutePathProblems, CONTAINER_NAME, DEVICE_ENV, ENV_NAME, gpuChoice, imageProblems, isIp, isUnder, MIB, positive, registryProblems, userProblems } from "./containerArgChecks";

/** Where the toolkit's hook looks for GPUs requested as volume mounts: one constant, in rules/normalisers/gpuRequests.ts. */
export { GPU_MOUNT_ROOT };

/**
 * How GPUs given by index or UUID reach the container.
 * - "mounts" (default): the nvidia runtime, and one read-only bind of /dev/null at
 *   /var/run/nvidia-container-devices/<id> per GPU. This is what a hardened node's toolkit honours
 *   for unprivileged containers (accept-nvidia-visible-devices-as-volume-mounts = true).
 * - "device-requests": Docker's own GPU requests (`--gpus "device=0,1"`, deviceRequests). Docker
 *   passes them as NVIDIA_VISIBLE_DEVICES, which a hardened node ignores for unprivileged
 *   containers (accept-nvidia-visible-devices-envvar-when-unprivileged = false): the container
 *   starts WITHOUT GPUs there. Only for nodes that accept the variable.
 * CDI names ("nvidia.com/gpu=0") always go as CDI device requests (`--device nvidia.com/gpu=0`),
 * the recommended channel: HardenedDockerDaemon turns on Docker's CDI feature, and the toolkit's
 * nvidia-cdi-refresh units (1.18+) or `nvidia-ctk cdi generate` write the node's spec.
 */
export type GpuRequestMechanism = "mounts" | "device-requests";

export interface HostPathMount {
    /** Absolute path on the node. */
    readonly source: string;
    /** Absolute path in the container. */
    readonly target: string;
}

export interface PortBinding {
    /** Port in the container. */
    readonly internal: number;
    /** Port on the node; default the same as `internal`. */
    readonly external?: number;
    /** Default "tcp". */
    readonly protocol?: "tcp" | "udp";
}

/** The plain (not Output) settings of a GPU container: checked at construction, before any preview. */
export interface GpuContainerSettings {
    /** Container name on the node; default the component's name. */
    readonly containerName?: string;
    /**
     * The image, pinned by digest: "registry/repo@sha256:<64 hex>" (a tag before the digest is
     * allowed and ignored by Docker). A bare image ID is refused (its registry is unknown); a tag unless
     * `allowTag` is true.
     */
    readonly image: string;
    /** Accept an image by tag (mutable: what runs can change under the same name). Default false. */
    readonly allowTag?: boolean;
    /** Registries the image may come from (host[:port]). Default nvcr.io; add the fleet's own (the fleet file's `registry.host`). */
    readonly allowedRegistries?: readonly string[];
    /** Numeric "UID:GID" (or "UID"), neither 0. Required: images default to root. */
    readonly user: string;
    /**
     * The GPUs, each an index ("0"), a MIG index ("0:1"), a UUID ("GPU-…", "MIG-…") or a fully
     * qualified CDI name ("nvidia.com/gpu=0"). Never "all"; at least one; indices/UUIDs and CDI
     * names are not mixed.
     */
    readonly gpus: readonly string[];
    /** For indices and UUIDs: how they are requested. Default "mounts" (see GpuRequestMechanism). */
    readonly gpuRequest?: GpuRequestMechanism;
    /** Command (entrypoint arguments). */
    readonly command?: readonly string[];
    /** Environment. NVIDIA_VISIBLE_DEVICES and the other NVIDIA device variables are refused: use `gpus`. */
    readonly env?: Readonly<Record<string, string>>;
    /** Memory limit in MiB. Required. */
    readonly memoryMb: number;
    /** CPU limit in CPUs (1.5 = one and a half). Required. */
    readonly cpus: number;
    /** PIDs limit (the `docker run` form; the Pulumi docker provider has no such input). Default 4096. */
    readonly pidsLimit?: number;
    /** /dev/shm size in MiB (NCCL uses it). Default Docker's (64). */
    readonly shmSizeMb?: number;
    /** tmpfs mounts (the root filesystem is read-only): target -> size in MiB. Default { "/tmp": 256 }. */
    readonly tmpfs?: Readonly<Record<string, number>>;
    /** Host paths, mounted read-only unless under one of `writableHostPaths`. */
    readonly hostPaths?: readonly HostPathMount[];
    /** Host paths (and what is under them) that may be mounted read-write; never a sensitive one. */
    readonly writableHostPaths?: readonly string[];
    /** Published ports; they need `bindAddress`. */
    readonly ports?: readonly PortBinding[];
    /** The node address ports are bound to (for example 127.0.0.1 or one private IP); never 0.0.0.0 or ::. */
    readonly bindAddress?: string;
    /** Docker network; default "bridge". "host", "container:…" are refused. */
    readonly network?: string;
    /** Restart on failure at most this many times (1-5); 0 = never restart. Default 3. */
    readonly restartMaxRetries?: number;
    /** Labels on the container. */
    readonly labels?: Readonly<Record<string, string>>;
}

/** A GPU container as Docker should run it: the rules' ContainerSpec plus what running it needs. */
export interface GpuContainerSpec extends ContainerSpec {
    readonly image: string;
    readonly command: readonly string[];
    readonly nanoCpus: number;
    readonly pidsLimit: number;
    readonly shmSizeBytes?: number;
    /** tmpfs target -> Docker's mount options ("rw,noexec,nosuid,nodev,size=268435456"). */
    readonly tmpfs: Readonly<Record<string, string>>;
    readonly ports: readonly { readonly hostIp: string; readonly external: number; readonly internal: number; readonly protocol: "tcp" | "udp" }[];
    readonly network: string;
    readonly labels: Readonly<Record<string, string>>;
    /** How the GPUs were requested, and which (for people and tests; the fields above carry it). */
    readonly gpus: { readonly mechanism: "mounts" | "device-requests" | "cdi"; readonly ids: readonly string[] };
}

/** Thrown for unsafe or malformed arguments: one line per problem, each naming the argument. */
export class GpuContainerArgsError extends Error {
    constructor(readonly containerName: string, readonly problems: readonly string[]) {
        super(`HardenedGpuContainer ${containerName}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n- ${problems.join("\n- ")}`}`);
        this.name = "GpuContainerArgsError";
    }
}

export const DEFAULTS = {
    gpuRequest: "mounts" as GpuRequestMechanism,
    pidsLimit: 4096,
    tmpfs: { "/tmp": 256 } as Readonly<Record<string, number>>,
    network: "bridge",
    restartMaxRetries: 3,
};

/**
 * The normalized spec for `name`'s arguments, or a GpuContainerArgsError listing every unsafe or
 * malformed argument. The spec passes every GNH-CONTAINER-* rule (checked here, too).
 */
export function gpuContainerSpec(name: string, args: GpuContainerSettings): GpuContainerSpec {
    const containerName = args.containerName ?? name;
    const problems: string[] = [];
    if (!CONTAINER_NAME.test(containerName)) {
        problems.push(`"containerName" ${JSON.stringify(containerName)} is not a valid container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)`);
    }
    const allowedRegistries = args.allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
    const badImage = imageProblems(args.image, args.allowTag === true);
    problems.push(...badImage, ...(badImage.length === 0 ? registryProblems(args.image, allowedRegistries) : []));
    problems.push(...userProblems(args.user));
    const gpus = gpuChoice(args.gpus, args.gpuRequest, DEFAULTS.gpuRequest, problems);

    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(args.env ?? {})) {
        if (!ENV_NAME.test(key)) {
            problems.push(`"env" name ${JSON.stringify(key)} is not a valid variable name`);
        } else if (DEVICE_ENV.includes(key)) {
            problems.push(`"env" must not set ${key}: GPUs are chosen with "gpus" (the variable can widen the selection on a node that accepts it)`);
        } else {
            env[key] = String(value);
        }
    }

    problems.push(...positive('"memoryMb"', args.memoryMb, { integer: true, required: true }));
    problems.push(...positive('"cpus"', args.cpus, { required: true, max: 1024 }));
    problems.push(...positive('"pidsLimit"', args.pidsLimit, { integer: true }));
    problems.push(...positive('"shmSizeMb"', args.shmSizeMb, { integer: true }));

    const restartMaxRetries = args.restartMaxRetries ?? DEFAULTS.restartMaxRetries;
    if (!Number.isInteger(restartMaxRetries) || restartMaxRetries < 0 || restartMaxRetries > MAX_RESTART_RETRIES) {
        problems.push(`"restartMaxRetries" ${JSON.stringify(args.restartMaxRetries)} must be an integer from 0 (never restart) to ${MAX_RESTART_RETRIES} (restart on failure, bounded)`);
    }

    const network = args.network ?? DEFAULTS.network;
    if (network === "host" || network.startsWith("container:") || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(network)) {
        problems.push(`"network" ${JSON.stringify(network)} is not allowed: use "bridge" or a user-defined network (never the host's or another container's namespace)`);
    }

    // tmpfs (the root filesystem is read-only)
    const tmpfs: Record<string, string> = {};
    for (const [target, sizeMb] of Object.entries(args.tmpfs ?? DEFAULTS.tmpfs)) {
        const before = problems.length;
        problems.push(...absolutePathProblems('"tmpfs" target', target), ...positive(`"tmpfs" size of ${target}`, sizeMb, { integer: true, required: true }));
        if (problems.length === before) {
            tmpfs[normalizeHostPath(target)] = `rw,noexec,nosuid,nodev,size=${sizeMb * MIB}`;
        }
    }

    // host paths: read-only unless listed as writable; sensitive ones never writable
    const writable = (args.writableHostPaths ?? []).map((p) => {
        const before = problems.length;
        problems.push(...absolutePathProblems('"writableHostPaths" entry', p));
        if (problems.length > before) {
            return undefined;
        }
        const normal = normalizeHostPath(p);
        if (SENSITIVE_HOST_PATHS.some((root) => reaches(normal, root))) {
            problems.push(`"writableHostPaths" entry ${JSON.stringify(p)} is (or contains) a sensitive host path: it can only be mounted read-only`);
            return undefined;
        }
        return normal;
    }).filter((p): p is string => p !== undefined);
    const mounts: ContainerMountSpec[] = [];
    for (const mount of args.hostPaths ?? []) {
        const before = problems.length;
        problems.push(...absolutePathProblems('"hostPaths" source', mount.source), ...absolutePathProblems('"hostPaths" target', mount.target));
        if (problems.length > before) {
            continue;
        }
        const source = normalizeHostPath(mount.source);
        const target = normalizeHostPath(mount.target);
        if (RUNTIME_SOCKETS.some((socket) => isUnder(socket, source)) || isUnder(source, "/run/containerd") || isUnder(source, "/var/run/containerd")) {
            problems.push(`"hostPaths" source ${JSON.stringify(mount.source)} is (or holds) a container runtime socket: that is root on the node, read-only or not`);
            continue;
        }
        if (isUnder(target, GPU_MOUNT_ROOT) || isUnder(target, "/run/nvidia-container-devices")) {
            problems.push(`"hostPaths" target ${JSON.stringify(mount.target)} is where the toolkit reads GPU requests: choose GPUs with "gpus"`);
            continue;
        }
        mounts.push({ type: "bind", source, target, readOnly: !writable.some((w) => isUnder(source, w)) });
    }

    // ports: bound to one given address
    const ports: GpuContainerSpec["ports"][number][] = [];
    if ((args.ports ?? []).length > 0) {
        const address = args.bindAddress;
        if (address === undefined || address === "") {
            problems.push('"ports" need "bindAddress": the node address to publish on (for example "127.0.0.1"); Docker\'s default is every interface');
        } else if (!isIp(address)) {
            problems.push(`"bindAddress" ${JSON.stringify(address)} is not an IP address`);
        } else if (isEveryInterface(address)) {
            problems.push(`"bindAddress" ${JSON.stringify(address)} is every interface: bind to one address`);
        }
        for (const port of args.ports ?? []) {
            const external = port.external ?? port.internal;
            const bad = [port.internal, external].filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
            if (bad.length > 0) {
                problems.push(`"ports" entry ${JSON.stringify(port)} has a port outside 1-65535`);
            } else if (external <= 1024) {
                problems.push(`"ports" entry ${JSON.stringify(port)} publishes privileged host port ${external} (CIS 5.8): publish a port above 1024 and map the well-known one at the load balancer`);
            } else if (port.protocol !== undefined && port.protocol !== "tcp" && port.protocol !== "udp") {
                problems.push(`"ports" entry ${JSON.stringify(port)} has protocol other than "tcp" or "udp"`);
            } else {
                ports.push({ hostIp: address ?? "", external, internal: port.internal, protocol: port.protocol ?? "tcp" });
            }
        }
    } else if (args.bindAddress !== undefined && !isIp(args.bindAddress)) {
        problems.push(`"bindAddress" ${JSON.stringify(args.bindAddress)} is not an IP address`);
    }

    for (const [key] of Object.entries(args.labels ?? {})) {
        if (key.trim() === "" || key.includes("=")) {
            problems.push(`"labels" key ${JSON.stringify(key)} is empty or contains "="`);
        }
    }

    if (problems.length > 0 || gpus === undefined) {
        throw new GpuContainerArgsError(containerName, problems);
    }

    // GPUs
    const deviceRequests: DeviceRequest[] = [];
    let runtime: string | undefined = "nvidia";
    if (gpus.mechanism === "mounts") {
        // The hook takes the GPU list from /dev/null mounts; "void" keeps the variable (and an
        // image's default of "all") from ever selecting GPUs.
        env.NVIDIA_VISIBLE_DEVICES = "void";
        mounts.push(...gpus.ids.map((id) => ({ type: "bind" as const, source: "/dev/null", target: `${GPU_MOUNT_ROOT}/${id}`, readOnly: true })));
    } else if (gpus.mechanism === "device-requests") {
        deviceRequests.push({ driver: "nvidia", count: 0, deviceIds: gpus.ids });
    } else {
        // CDI: dockerd edits the OCI spec itself; the nvidia runtime is not involved.
        env.NVIDIA_VISIBLE_DEVICES = "void";
        runtime = "runc";
        deviceRequests.push({ driver: "cdi", count: 0, deviceIds: gpus.ids });
    }
    for (const target of Object.keys(tmpfs)) {
        mounts.push({ type: "tmpfs", target, readOnly: false });
    }

    const spec: GpuContainerSpec = {
        source: "inputs",
        name: containerName,
        image: args.image,
        privileged: false,
        capAdd: [],
        capDrop: ["ALL"],
        user: args.user.trim(),
        env,
        runtime,
        deviceRequests,
        devices: [],
        mounts,
        namespaces: { network },
        // Docker's default is the host's cgroup namespace on cgroup v1 hosts: ask for a private one
        cgroupnsMode: "private",
        // seccomp: no option, so the daemon applies the node's profile (daemon.json
        // "seccomp-profile": /etc/docker/seccomp.json); see docs/workloads.md.
        securityOpts: ["no-new-privileges=true"],
        memoryBytes: args.memoryMb * MIB,
        pidsLimit: args.pidsLimit ?? DEFAULTS.pidsLimit,
        restart: restartMaxRetries === 0 ? { name: "no", maxRetries: 0 } : { name: "on-failure", maxRetries: restartMaxRetries },
        readOnlyRootfs: true,
        command: [...(args.command ?? [])],
        nanoCpus: Math.round(args.cpus * 1e9),
        cpu: { shares: 0, nanoCpus: Math.round(args.cpus * 1e9), quota: 0 },
        shmSizeBytes: args.shmSizeMb !== undefined ? args.shmSizeMb * MIB : undefined,
        tmpfs,
        ports,
        publishAllPorts: false,
        network,
        labels: { ...(args.labels ?? {}) },
        gpus: { mechanism: gpus.mechanism, ids: gpus.ids },
    };
    const failed = evaluateContainer({ container: spec, options: { allowedRegistries } })
        // allowTag is the caller's explicit choice to run by tag
        .filter((r) => r.verdict.status === "fail" && !(args.allowTag === true && r.rule.id === containerImagePinned.id)
            // gpuRequest "device-requests" is the caller's explicit choice, for nodes that accept the variable
            && !(gpus.mechanism === "device-requests" && r.rule.id === containerGpuChannel.id));
    if (failed.length > 0) {
        // Unreachable unless the rules and this module drift apart: say which rule, not "invalid".
        throw new GpuContainerArgsError(containerName, failed.map((r) => `${r.rule.id}: ${(r.verdict as { message: string }).message}`));
    }
    return spec;
}
