// `docker inspect` of a container -> the normalized ContainerSpec that the container rules judge.
// The policy pack's normalizer (policies/containerPolicies.ts) produces the same type from
// @pulumi/docker Container inputs; the parity test holds the two together.
import { ContainerMountSpec, ContainerSpec, DeviceRequest, normalizeCapability } from "../rules/containerRules";
import { CDI_DEVICE_REFERENCE } from "../lib/patterns";
import { volumeBindSource } from "../rules/normalisers/volumeOptions";

/** The part of `docker inspect` output that we read (Docker Engine API ContainerJSON). */
export interface DockerInspect {
    readonly Id?: string;
    readonly Name?: string;
    /** The AppArmor profile Docker applied: "" when the host has none, "unconfined", or a profile name. */
    readonly AppArmorProfile?: string;
    readonly State?: { readonly Running?: boolean };
    readonly Config?: {
        /** The image's HEALTHCHECK merged with --health-cmd; Test ["NONE"] disables it. */
        readonly Healthcheck?: { readonly Test?: readonly string[] | null } | null;
        readonly User?: string;
        readonly Env?: readonly string[] | null;
        readonly Image?: string;
    };
    readonly HostConfig?: {
        readonly Privileged?: boolean;
        readonly CapAdd?: readonly string[] | null;
        readonly CapDrop?: readonly string[] | null;
        readonly Runtime?: string;
        readonly DeviceRequests?: readonly { Driver?: string; Count?: number; DeviceIDs?: readonly string[] | null }[] | null;
        readonly Devices?: readonly { PathOnHost?: string; PathInContainer?: string }[] | null;
        readonly Binds?: readonly string[] | null;
        readonly Mounts?: readonly { Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }[] | null;
        readonly NetworkMode?: string;
        readonly PidMode?: string;
        readonly IpcMode?: string;
        readonly UTSMode?: string;
        readonly UsernsMode?: string;
        readonly SecurityOpt?: readonly string[] | null;
        readonly Memory?: number;
        readonly PidsLimit?: number | null;
        readonly RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
        readonly ReadonlyRootfs?: boolean;
        /** "8888/tcp" -> bindings; HostIp "" is every interface. */
        readonly PortBindings?: Readonly<Record<string, readonly { HostIp?: string; HostPort?: string }[] | null>> | null;
        readonly PublishAllPorts?: boolean;
        readonly CpuShares?: number;
        readonly NanoCpus?: number;
        readonly CpuQuota?: number;
        readonly CgroupParent?: string;
        readonly Annotations?: Readonly<Record<string, string>> | null;
        readonly DeviceCgroupRules?: readonly string[] | null;
        readonly GroupAdd?: readonly string[] | null;
        readonly CgroupnsMode?: string;
        readonly Ulimits?: readonly { Name?: string }[] | null;
    };
    /** Resolved mounts: binds, volumes and tmpfs from -v and --mount alike. */
    readonly Mounts?: readonly { Type?: string; Source?: string; Destination?: string; RW?: boolean; Name?: string; Propagation?: string }[] | null;
}

export function parseEnv(lines: readonly string[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of lines) {
        const eq = line.indexOf("=");
        if (eq > 0) {
            env[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    return env;
}

/** A device path that is a CDI name ("nvidia.com/gpu=0"): Docker turns those into cdi device requests. */

const mountType = (type: string | undefined): ContainerMountSpec["type"] =>
    type === "bind" || type === "volume" || type === "tmpfs" ? type : "other";

/** "-v SRC:DST[:OPTS]" as stored in HostConfig.Binds. */
export function parseBind(bind: string): ContainerMountSpec | undefined {
    const parts = bind.split(":");
    if (parts.length < 2) {
        return undefined;
    }
    const [source, target, opts = ""] = parts;
    const options = opts.split(",");
    return { type: source.startsWith("/") ? "bind" : "volume", source, target, readOnly: options.includes("ro") };
}

/** Config.Healthcheck: absent or ["NONE"] means no health check runs. */
function healthcheckOf(config: DockerInspect["Config"]): "set" | "none" {
    const test = config?.Healthcheck?.Test ?? [];
    return test.length === 0 || test[0] === "NONE" ? "none" : "set";
}

/** `docker volume inspect`: a volume's driver and options, by name. */
export type VolumeOptions = ReadonlyMap<string, { readonly driver?: string; readonly options?: Readonly<Record<string, string>> }>;

/**
 * processes: command names from `docker top`, for a running container (the probe's section);
 * volumes: the volumes' driver options (a local volume with o=bind is a bind of its device).
 */
export function containerSpecFromInspect(inspect: DockerInspect, processes?: readonly string[], volumes: VolumeOptions = new Map()): ContainerSpec {
    const host = inspect.HostConfig ?? {};
    const config = inspect.Config ?? {};
    const name = (inspect.Name ?? inspect.Id?.slice(0, 12) ?? "?").replace(/^\//, "");
    const deviceRequests: DeviceRequest[] = (host.DeviceRequests ?? []).map((r) => ({
        driver: r.Driver ?? "",
        count: r.Count ?? 0,
        deviceIds: [...(r.DeviceIDs ?? [])],
    }));
    const devices: { hostPath: string; containerPath: string }[] = [];
    for (const device of host.Devices ?? []) {
        const hostPath = device.PathOnHost ?? "";
        if (CDI_DEVICE_REFERENCE.test(hostPath)) {
            deviceRequests.push({ driver: "cdi", count: 0, deviceIds: [hostPath] });
        } else {
            devices.push({ hostPath, containerPath: device.PathInContainer ?? hostPath });
        }
    }
    // The resolved Mounts list covers -v and --mount; fall back to HostConfig when it is absent.
    let mounts: ContainerMountSpec[];
    if (inspect.Mounts) {
        mounts = inspect.Mounts.map((m) => {
            const volume = m.Type === "volume" && m.Name !== undefined ? volumes.get(m.Name) : undefined;
            const bound = volume === undefined ? undefined : volumeBindSource(volume.driver, volume.options);
            return {
                type: bound !== undefined ? "bind" as const : mountType(m.Type),
                source: bound ?? (m.Type === "volume" ? (m.Name ?? m.Source) : m.Source),
                target: m.Destination ?? "",
                readOnly: m.RW === false,
                propagation: m.Propagation || undefined,
            };
        });
    } else {
        mounts = [
            ...(host.Binds ?? []).map(parseBind).filter((m): m is ContainerMountSpec => m !== undefined),
            ...(host.Mounts ?? []).map((m) => ({ type: mountType(m.Type), source: m.Source, target: m.Target ?? "", readOnly: m.ReadOnly === true })),
        ];
    }
    const mode = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
    return {
        source: "inspect",
        name,
        image: config.Image,
        privileged: host.Privileged === true,
        capAdd: (host.CapAdd ?? []).map(normalizeCapability),
        capDrop: (host.CapDrop ?? []).map(normalizeCapability),
        user: config.User ?? "",
        env: parseEnv(config.Env ?? []),
        runtime: mode(host.Runtime),
        deviceRequests,
        devices,
        mounts,
        namespaces: {
            network: mode(host.NetworkMode),
            pid: mode(host.PidMode),
            ipc: mode(host.IpcMode),
            uts: mode(host.UTSMode),
            userns: mode(host.UsernsMode),
        },
        securityOpts: [...(host.SecurityOpt ?? [])],
        memoryBytes: host.Memory !== undefined && host.Memory > 0 ? host.Memory : undefined,
        pidsLimit: host.PidsLimit !== undefined && host.PidsLimit !== null && host.PidsLimit > 0 ? host.PidsLimit : undefined,
        restart: { name: host.RestartPolicy?.Name ?? "", maxRetries: host.RestartPolicy?.MaximumRetryCount ?? 0 },
        readOnlyRootfs: host.ReadonlyRootfs === true,
        ports: Object.entries(host.PortBindings ?? {}).flatMap(([port, bindings]) => {
            const [internal, protocol = "tcp"] = port.split("/");
            return (bindings ?? []).map((b) => ({ hostIp: b.HostIp ?? "", external: Number(b.HostPort ?? 0), internal: Number(internal), protocol }));
        }),
        publishAllPorts: host.PublishAllPorts === true,
        appArmorProfile: inspect.AppArmorProfile ?? "",
        cpu: { shares: host.CpuShares ?? 0, nanoCpus: host.NanoCpus ?? 0, quota: host.CpuQuota ?? 0 },
        cgroupParent: host.CgroupParent ?? "",
        ulimits: (host.Ulimits ?? []).map((u) => u.Name ?? ""),
        healthcheck: healthcheckOf(config),
        annotations: host.Annotations ?? {},
        deviceCgroupRules: [...(host.DeviceCgroupRules ?? [])],
        groupAdds: [...(host.GroupAdd ?? [])],
        cgroupnsMode: host.CgroupnsMode ?? "",
        running: inspect.State?.Running,
        processes: inspect.State?.Running === false ? undefined : processes,
    };
}
