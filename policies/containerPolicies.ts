// @pulumi/docker Container inputs -> the normalized ContainerSpec that the container rules judge
// (the audit builds the same type from `docker inspect`: audit/inspect.ts). No rule logic here.
import { CDI_DEVICE_REFERENCE, ContainerFacts, ContainerMountSpec, ContainerSpec, DeviceRequest, normalizeCapability, volumeBindSource } from "./ruleCatalog";

export const DOCKER_CONTAINER_TYPE = "docker:index/container:Container";

/** The Container inputs we read, as the policy engine hands them over (plain values). */
export interface ContainerInputs {
    readonly name?: string;
    readonly image?: string;
    readonly privileged?: boolean;
    readonly capabilities?: { readonly adds?: readonly string[]; readonly drops?: readonly string[] };
    readonly user?: string;
    readonly envs?: readonly string[];
    readonly runtime?: string;
    readonly gpus?: string;
    readonly deviceRequests?: readonly { driver?: string; count?: number; deviceIds?: readonly string[] }[];
    readonly devices?: readonly { hostPath: string; containerPath?: string }[];
    readonly mounts?: readonly { type: string; source?: string; target: string; readOnly?: boolean; bindOptions?: { propagation?: string }; volumeOptions?: { driverName?: string; driverOptions?: Record<string, string> } }[];
    readonly volumes?: readonly { hostPath?: string; volumeName?: string; containerPath?: string; readOnly?: boolean }[];
    readonly tmpfs?: Readonly<Record<string, string>>;
    readonly networkMode?: string;
    readonly pidMode?: string;
    readonly ipcMode?: string;
    readonly usernsMode?: string;
    readonly securityOpts?: readonly string[];
    /** MB, as the provider takes it. */
    readonly memory?: number;
    readonly restart?: string;
    readonly maxRetryCount?: number;
    readonly readOnly?: boolean;
    /** The provider's defaults: ip "0.0.0.0" (every interface), protocol "tcp". */
    readonly ports?: readonly { internal: number; external?: number; ip?: string; protocol?: string }[];
    readonly publishAllPorts?: boolean;
    readonly cpuShares?: number;
    /** CPUs as a decimal string ("1.5"), as the provider takes it. */
    readonly cpus?: string;
    readonly cpuQuota?: number;
    readonly cgroupParent?: string;
    readonly ulimits?: readonly { name: string }[];
    readonly healthcheck?: { tests?: readonly string[] };
    readonly deviceCgroupRules?: readonly string[];
    readonly groupAdds?: readonly string[];
    readonly cgroupnsMode?: string;
}

/** Split a CSV field list the way docker's --gpus flag does ("\"device=0,1\",capabilities=utility"). */
function csvFields(value: string): string[] {
    const fields: string[] = [];
    let current = "";
    let quoted = false;
    for (const ch of value) {
        if (ch === '"') {
            quoted = !quoted;
        } else if (ch === "," && !quoted) {
            fields.push(current);
            current = "";
        } else {
            current += ch;
        }
    }
    fields.push(current);
    return fields.map((f) => f.trim()).filter((f) => f !== "");
}

/** docker's --gpus syntax ("all", "2", "device=0,1", "count=all") -> the device request Docker stores. */
export function parseGpus(value: string): DeviceRequest {
    const request = { driver: "", count: 0, deviceIds: [] as string[] };
    for (const field of csvFields(value)) {
        const eq = field.indexOf("=");
        if (eq < 0) {
            if (field === "all") {
                request.count = -1;
            } else if (/^\d+$/.test(field)) {
                request.count = Number(field);
            }
            continue;
        }
        const key = field.slice(0, eq);
        const val = field.slice(eq + 1);
        if (key === "driver") {
            request.driver = val;
        } else if (key === "count") {
            request.count = val === "all" ? -1 : Number(val);
        } else if (key === "device") {
            request.deviceIds = val.split(",").map((d) => d.trim()).filter((d) => d !== "");
        }
    }
    return request;
}


/** --cpus "1.5" as NanoCPUs; 0 when absent; NaN (fails closed in the rule) when not a number. */
function nanoCpusOf(cpus: string | undefined): number {
    return cpus === undefined || cpus === "" ? 0 : Math.round(Number(cpus) * 1e9);
}

const healthcheckOf = (tests: readonly string[] | undefined): "set" | "none" =>
    tests === undefined || tests.length === 0 || tests[0] === "NONE" ? "none" : "set";

export function containerSpecFromInputs(inputs: ContainerInputs, resourceName?: string): ContainerSpec {
    const env: Record<string, string> = {};
    for (const line of inputs.envs ?? []) {
        const eq = line.indexOf("=");
        if (eq > 0) {
            env[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    const deviceRequests: DeviceRequest[] = (inputs.deviceRequests ?? []).map((r) => ({
        driver: r.driver ?? "",
        count: r.count ?? 0,
        deviceIds: [...(r.deviceIds ?? [])],
    }));
    if (inputs.gpus !== undefined && inputs.gpus !== "") {
        deviceRequests.push(parseGpus(inputs.gpus));
    }
    const devices: { hostPath: string; containerPath: string }[] = [];
    for (const device of inputs.devices ?? []) {
        if (CDI_DEVICE_REFERENCE.test(device.hostPath)) {
            deviceRequests.push({ driver: "cdi", count: 0, deviceIds: [device.hostPath] });
        } else {
            devices.push({ hostPath: device.hostPath, containerPath: device.containerPath ?? device.hostPath });
        }
    }
    const mounts: ContainerMountSpec[] = [
        ...(inputs.mounts ?? []).map((m) => {
            // a local volume whose options bind a host path is that bind
            const bound = m.type === "volume" ? volumeBindSource(m.volumeOptions?.driverName, m.volumeOptions?.driverOptions) : undefined;
            return {
                type: (bound !== undefined ? "bind" : m.type === "bind" || m.type === "volume" || m.type === "tmpfs" ? m.type : "other") as ContainerMountSpec["type"],
                source: bound ?? m.source,
                target: m.target,
                readOnly: m.readOnly === true,
                propagation: m.bindOptions?.propagation || undefined,
            };
        }),
        ...(inputs.volumes ?? []).filter((v) => v.containerPath !== undefined).map((v) => ({
            type: (v.hostPath !== undefined ? "bind" : "volume") as ContainerMountSpec["type"],
            source: v.hostPath ?? v.volumeName,
            target: v.containerPath as string,
            readOnly: v.readOnly === true,
        })),
        ...Object.keys(inputs.tmpfs ?? {}).map((target) => ({ type: "tmpfs" as const, target, readOnly: false })),
    ];
    const restart = inputs.restart ?? "no";
    return {
        source: "inputs",
        name: inputs.name ?? resourceName ?? "?",
        image: inputs.image,
        privileged: inputs.privileged === true,
        capAdd: (inputs.capabilities?.adds ?? []).map(normalizeCapability),
        capDrop: (inputs.capabilities?.drops ?? []).map(normalizeCapability),
        user: inputs.user ?? "",
        env,
        runtime: inputs.runtime,
        deviceRequests,
        devices,
        mounts,
        namespaces: { network: inputs.networkMode, pid: inputs.pidMode, ipc: inputs.ipcMode, userns: inputs.usernsMode },
        securityOpts: [...(inputs.securityOpts ?? [])],
        memoryBytes: inputs.memory !== undefined && inputs.memory > 0 ? inputs.memory * 1024 * 1024 : undefined,
        pidsLimit: undefined,
        restart: { name: restart, maxRetries: restart === "on-failure" ? (inputs.maxRetryCount ?? 0) : 0 },
        readOnlyRootfs: inputs.readOnly === true,
        ports: (inputs.ports ?? []).map((p) => ({ hostIp: p.ip ?? "0.0.0.0", external: p.external ?? 0, internal: p.internal, protocol: p.protocol ?? "tcp" })),
        publishAllPorts: inputs.publishAllPorts === true,
        cpu: { shares: inputs.cpuShares ?? 0, nanoCpus: nanoCpusOf(inputs.cpus), quota: inputs.cpuQuota ?? 0 },
        cgroupParent: inputs.cgroupParent ?? "",
        deviceCgroupRules: [...(inputs.deviceCgroupRules ?? [])],
        groupAdds: [...(inputs.groupAdds ?? [])],
        cgroupnsMode: inputs.cgroupnsMode ?? "",
        ulimits: (inputs.ulimits ?? []).map((u) => u.name),
        // without a healthcheck input the image's HEALTHCHECK decides, which a preview cannot see
        healthcheck: inputs.healthcheck === undefined ? undefined : healthcheckOf(inputs.healthcheck.tests),
    };
}

/** Facts for the container rules from one resource's inputs, or undefined for other types. */
export function containerFacts(type: string, props: Record<string, unknown>, name?: string): ContainerFacts | undefined {
    return type === DOCKER_CONTAINER_TYPE ? { container: containerSpecFromInputs(props as ContainerInputs, name) } : undefined;
}

/** Which inputs each spec field is computed from (see containerSpecFromInputs). */
const SPEC_FIELD_INPUTS: Readonly<Record<keyof ContainerSpec, readonly (keyof ContainerInputs)[]>> = {
    source: [],
    name: ["name"],
    image: ["image"],
    privileged: ["privileged"],
    capAdd: ["capabilities"],
    capDrop: ["capabilities"],
    user: ["user"],
    env: ["envs"],
    runtime: ["runtime"],
    deviceRequests: ["deviceRequests", "gpus", "devices"],
    devices: ["devices"],
    mounts: ["mounts", "volumes", "tmpfs"],
    namespaces: ["networkMode", "pidMode", "ipcMode", "usernsMode"],
    securityOpts: ["securityOpts"],
    memoryBytes: ["memory"],
    pidsLimit: [],
    restart: ["restart", "maxRetryCount"],
    readOnlyRootfs: ["readOnly"],
    ports: ["ports"],
    publishAllPorts: ["publishAllPorts"],
    appArmorProfile: [],
    cpu: ["cpuShares", "cpus", "cpuQuota"],
    cgroupParent: ["cgroupParent"],
    ulimits: ["ulimits"],
    healthcheck: ["healthcheck"],
    annotations: [],
    deviceCgroupRules: ["deviceCgroupRules"],
    groupAdds: ["groupAdds"],
    cgroupnsMode: ["cgroupnsMode"],
    running: [],
    processes: [],
};

/**
 * The same spec as containerSpecFromInputs, but each field is computed when a rule first reads it,
 * from only the inputs it comes from. In a preview CrossGuard hands over inputs that throw when an
 * unknown value is read: this way only the rules that need that value are affected (an image
 * digest that is unknown until a RemoteImage exists does not stop the privileged check).
 */
export function lazyContainerSpec(inputs: ContainerInputs, resourceName?: string): ContainerSpec {
    const spec = {} as Record<string, unknown>;
    for (const [field, sources] of Object.entries(SPEC_FIELD_INPUTS) as [keyof ContainerSpec, readonly (keyof ContainerInputs)[]][]) {
        let value: unknown;
        let computed = false;
        Object.defineProperty(spec, field, {
            enumerable: true,
            get: () => {
                if (!computed) {
                    const picked: Record<string, unknown> = {};
                    for (const key of sources) {
                        picked[key] = inputs[key];
                    }
                    value = containerSpecFromInputs(picked as ContainerInputs, resourceName)[field];
                    computed = true;
                }
                return value;
            },
        });
    }
    return spec as unknown as ContainerSpec;
}
