// The normalized container spec every container rule judges, whoever built it: the policy pack
// from `docker:index/container:Container` inputs, the live audit from `docker inspect`,
// HardenedGpuContainer from its arguments. Types only, and how messages name a container.
import { Rule } from "./rule";

/** One GPU/device request as Docker stores it (HostConfig.DeviceRequests). */
export interface DeviceRequest {
    /** "" or "nvidia" for --gpus; "cdi" for CDI device names (--device vendor/class=name). */
    readonly driver: string;
    /** -1 = all; 0 = none by count (then deviceIds decide). */
    readonly count: number;
    readonly deviceIds: readonly string[];
}

/** A published port; hostIp "" (or 0.0.0.0, ::) is every interface of the host. */
export interface PortBindingSpec {
    readonly hostIp: string;
    readonly external: number;
    readonly internal: number;
    readonly protocol: string;
}

export interface ContainerMountSpec {
    readonly type: "bind" | "volume" | "tmpfs" | "other";
    /** Host path for binds, volume name for volumes. */
    readonly source?: string;
    readonly target: string;
    readonly readOnly: boolean;
    /** Bind propagation as Docker stores it ("rprivate", "rshared", ...); undefined = Docker's default (rprivate). */
    readonly propagation?: string;
}

/**
 * A container as the rules see it: what Docker would run, in Docker's own terms, whatever
 * produced it. Fields that a producer cannot know are undefined, never guessed.
 */
export interface ContainerSpec {
    /** "inputs": from Pulumi resource inputs (preview); "inspect": from docker inspect (audit). */
    readonly source: "inputs" | "inspect";
    readonly name: string;
    readonly image?: string;
    readonly privileged: boolean;
    /** Capability names upper case, without CAP_ ("SYS_ADMIN", "ALL"). */
    readonly capAdd: readonly string[];
    readonly capDrop: readonly string[];
    /** "" when none is set (the image's USER applies, root by default). */
    readonly user: string;
    readonly env: Readonly<Record<string, string>>;
    /** The OCI runtime name ("runc", "nvidia"); undefined = the daemon's default. */
    readonly runtime?: string;
    readonly deviceRequests: readonly DeviceRequest[];
    readonly devices: readonly { readonly hostPath: string; readonly containerPath: string }[];
    readonly mounts: readonly ContainerMountSpec[];
    readonly namespaces: {
        readonly network?: string;
        readonly pid?: string;
        readonly ipc?: string;
        readonly uts?: string;
        readonly userns?: string;
    };
    readonly securityOpts: readonly string[];
    readonly memoryBytes?: number;
    readonly pidsLimit?: number;
    readonly restart: { readonly name: string; readonly maxRetries: number };
    readonly readOnlyRootfs: boolean;
    readonly ports: readonly PortBindingSpec[];
    /** -P: every port the image exposes, on every interface. */
    readonly publishAllPorts: boolean;
    /** The AppArmor profile Docker applied ("" none, "unconfined"); known from docker inspect only. */
    readonly appArmorProfile?: string;
    /** CPU bounds: relative shares (0 = the default 1024), NanoCPUs (--cpus), CFS quota; undefined = unknown. */
    readonly cpu?: { readonly shares: number; readonly nanoCpus: number; readonly quota: number };
    /** --cgroup-parent; "" = Docker's default. */
    readonly cgroupParent?: string;
    /** Names of the container's own ulimits (--ulimit nofile=...); undefined = unknown. */
    readonly ulimits?: readonly string[];
    /** "set": a health check runs; "none": none, or disabled; undefined: the image decides, unknown here. */
    readonly healthcheck?: "set" | "none";
    /** OCI annotations (docker run --annotation); undefined where they cannot be seen (Pulumi inputs have none). */
    readonly annotations?: Readonly<Record<string, string>>;
    /** --group-add entries as given (names or numbers). */
    readonly groupAdds?: readonly string[];
    /** --cgroupns: "host" shares the host's cgroup namespace; "" or "private" does not. */
    readonly cgroupnsMode?: string;
    /** --device-cgroup-rule entries ("c 195:* rwm"). */
    readonly deviceCgroupRules?: readonly string[];
    /** Whether it runs now (docker inspect); undefined before it exists. */
    readonly running?: boolean;
    /** Command names of the processes running in it (docker top); undefined = not running, or not read. */
    readonly processes?: readonly string[];
}

export interface ContainerRuleOptions {
    /** Capabilities a container may add (names without CAP_). Default: none. */
    readonly allowedCapabilities?: readonly string[];
    /** Host paths that may be bind-mounted read-write even though they are sensitive. */
    readonly writableHostPaths?: readonly string[];
    /** Host devices (paths) a container may map besides GPUs, such as /dev/infiniband/uverbs0 for RDMA. Default: none. */
    readonly allowedDevices?: readonly string[];
    /** Registries images may come from (host[:port]). Default: nvcr.io; the audit adds the fleet file's own registry. */
    readonly allowedRegistries?: readonly string[];
}

export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = ["nvcr.io"];

export interface ContainerFacts {
    readonly container: ContainerSpec;
    /** What the daemon adds to every container; known on a live host only. */
    readonly daemon?: {
        readonly noNewPrivileges?: boolean;
        /** Whether the host's Docker confines containers with AppArmor / SELinux (docker info SecurityOptions). */
        readonly appArmor?: boolean;
        readonly selinux?: boolean;
        /** daemon.json "icc" is false: containers on the default bridge cannot reach each other. */
        readonly iccDisabled?: boolean;
        /** daemon.json sets "default-ulimits" (CIS 2.8): every container gets them. */
        readonly defaultUlimits?: boolean;
    };
    readonly options?: ContainerRuleOptions;
}

export type ContainerRule = Rule<ContainerFacts>;

/** How every container rule's message names the container. */
export const named = (c: ContainerSpec) => `container ${c.name}`;

/** Every value a --security-opt key is given, in order ("apparmor=x" and "apparmor:x" alike). */
export function securityOptValues(c: ContainerSpec, key: string): string[] {
    const values: string[] = [];
    for (const opt of c.securityOpts) {
        const match = /^([a-z-]+)(?:[=:](.*))?$/.exec(opt.trim());
        if (match && match[1] === key) {
            values.push(match[2] ?? "");
        }
    }
    return values;
}

/** The value Docker uses for a --security-opt key: the last one given; undefined when none is. */
export const securityOpt = (c: ContainerSpec, key: string): string | undefined => securityOptValues(c, key).at(-1);
