// Container rules: each rule passes on a hardened container and fails on one weakened field; the
// "all GPUs" spellings are table-driven; and the policy adapter (Container inputs) and the audit
// adapter (docker inspect) give the same failing rule ids for the same container (parity).
import { describe, expect, it } from "vitest";
import { containerSpecFromInspect, DockerInspect } from "../../audit/inspect";
import { ContainerInputs, containerSpecFromInputs, parseGpus } from "../../policies/containerPolicies";
import { ContainerFacts, containerRules, ContainerSpec, visibleDevicesAskForGpus } from "../../rules/containerRules";
import { parseImageReference } from "../../rules/imageReference";

/** A container that satisfies every container rule, as Pulumi inputs. */
const hardenedInputs: ContainerInputs = {
    name: "trainer",
    image: "nvcr.io/nvidia/cuda@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    privileged: false,
    capabilities: { drops: ["ALL"] },
    user: "1000:1000",
    envs: ["NVIDIA_VISIBLE_DEVICES=void", "HOME=/tmp"],
    runtime: "runc",
    deviceRequests: [{ driver: "cdi", deviceIds: ["nvidia.com/gpu=0"] } as never],
    mounts: [{ type: "bind", source: "/data/datasets", target: "/data", readOnly: true }],
    networkMode: "bridge",
    securityOpts: ["no-new-privileges=true"],
    memory: 8192,
    restart: "on-failure",
    maxRetryCount: 5,
    readOnly: true,
    ports: [{ internal: 8888, external: 8888, ip: "10.0.0.5", protocol: "tcp" }],
    cpus: "4",
    ulimits: [{ name: "nofile" }],
    healthcheck: { tests: ["CMD", "nvidia-smi"] },
};

/** The same container as `docker inspect` shows it. */
const hardenedInspect: DockerInspect = {
    Id: "4f1c0a5e9b7d",
    Name: "/trainer",
    AppArmorProfile: "docker-default",
    Config: { Healthcheck: { Test: ["CMD", "nvidia-smi"] }, User: "1000:1000", Env: ["NVIDIA_VISIBLE_DEVICES=void", "HOME=/tmp", "PATH=/usr/bin"], Image: hardenedInputs.image },
    HostConfig: {
        Privileged: false,
        CapAdd: null,
        CapDrop: ["ALL"],
        Runtime: "runc",
        DeviceRequests: [{ Driver: "cdi", Count: 0, DeviceIDs: ["nvidia.com/gpu=0"] }],
        Devices: [],
        NetworkMode: "bridge",
        PidMode: "",
        IpcMode: "private",
        UTSMode: "",
        UsernsMode: "",
        SecurityOpt: ["no-new-privileges=true"],
        Memory: 8192 * 1024 * 1024,
        PidsLimit: 4096,
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 5 },
        ReadonlyRootfs: true,
        PortBindings: { "8888/tcp": [{ HostIp: "10.0.0.5", HostPort: "8888" }] },
        PublishAllPorts: false,
        CpuShares: 0,
        NanoCpus: 4e9,
        CgroupParent: "",
        Ulimits: [{ Name: "nofile" }],
    },
    Mounts: [{ Type: "bind", Source: "/data/datasets", Destination: "/data", RW: false, Propagation: "rprivate" }],
};

const hostOf = (i: DockerInspect) => i.HostConfig ?? {};

/** One weakening, spelled both ways, and the rule ids it must fail (and only those). */
interface ParityCase {
    readonly inputs: Partial<ContainerInputs>;
    readonly inspect: (base: DockerInspect) => DockerInspect;
    readonly fails: readonly string[];
}

const withHost = (patch: Record<string, unknown>) => (b: DockerInspect): DockerInspect => ({ ...b, HostConfig: { ...hostOf(b), ...patch } });
const DIGEST = `sha256:${"ab".repeat(32)}`;
const withImage = (image: string) => (b: DockerInspect): DockerInspect => ({ ...b, Config: { ...b.Config, Image: image } });
const withEnv = (extra: string[]) => (b: DockerInspect): DockerInspect => ({ ...b, Config: { ...b.Config, Env: [...(b.Config?.Env ?? []).filter((e) => !e.startsWith("NVIDIA_VISIBLE_DEVICES=")), ...extra] } });

const cases: Record<string, ParityCase> = {
    "privileged": { inputs: { privileged: true }, inspect: withHost({ Privileged: true }), fails: ["GNH-CONTAINER-PRIVILEGED"] },
    "cap add SYS_ADMIN": { inputs: { capabilities: { adds: ["SYS_ADMIN"], drops: ["ALL"] } }, inspect: withHost({ CapAdd: ["CAP_SYS_ADMIN"] }), fails: ["GNH-CONTAINER-CAPABILITIES"] },
    "no cap drop": { inputs: { capabilities: {} }, inspect: withHost({ CapDrop: null }), fails: ["GNH-CONTAINER-CAPABILITIES"] },
    "root user": { inputs: { user: "root" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "root" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "uid 0": { inputs: { user: "0:0" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "0:0" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "no user": { inputs: { user: undefined }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "gpus all": { inputs: { deviceRequests: [], gpus: "all" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: -1, DeviceIDs: null }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "gpus device=all": { inputs: { deviceRequests: [], gpus: "device=all" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: 0, DeviceIDs: ["all"] }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "gpus count=all": { inputs: { deviceRequests: [], gpus: "count=all" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: -1, DeviceIDs: null }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "device request count -1": { inputs: { deviceRequests: [{ driver: "nvidia", count: -1 }] }, inspect: withHost({ DeviceRequests: [{ Driver: "nvidia", Count: -1, DeviceIDs: [] }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "gpus 2 (by count)": { inputs: { deviceRequests: [], gpus: "2" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: 2, DeviceIDs: null }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "CDI nvidia.com/gpu=all as a device": { inputs: { deviceRequests: [], devices: [{ hostPath: "nvidia.com/gpu=all" }] }, inspect: withHost({ DeviceRequests: [{ Driver: "cdi", Count: 0, DeviceIDs: ["nvidia.com/gpu=all"] }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "CDI nvidia.com/gpu=all as a request": { inputs: { deviceRequests: [{ driver: "cdi", deviceIds: ["nvidia.com/gpu=all"] }] }, inspect: withHost({ DeviceRequests: [{ Driver: "cdi", Count: 0, DeviceIDs: ["nvidia.com/gpu=all"] }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "env NVIDIA_VISIBLE_DEVICES=all": { inputs: { envs: ["NVIDIA_VISIBLE_DEVICES=all"] }, inspect: withEnv(["NVIDIA_VISIBLE_DEVICES=all"]), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "env unset with the nvidia runtime": { inputs: { envs: [], runtime: "nvidia", deviceRequests: [] }, inspect: (b) => withHost({ Runtime: "nvidia", DeviceRequests: null })(withEnv([])(b)), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "/dev/nvidia0 device mapping": { inputs: { devices: [{ hostPath: "/dev/nvidiactl", containerPath: "/dev/nvidiactl" }] }, inspect: withHost({ Devices: [{ PathOnHost: "/dev/nvidiactl", PathInContainer: "/dev/nvidiactl", CgroupPermissions: "rwm" }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "volume-mount spelling": { inputs: { mounts: [...(hardenedInputs.mounts ?? []), { type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [...(b.Mounts ?? []), { Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/all", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "rw bind of /etc": { inputs: { mounts: [{ type: "bind", source: "/etc", target: "/host-etc", readOnly: false }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/etc", Destination: "/host-etc", RW: true }] }), fails: ["GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "rw volume of / (volumes input)": { inputs: { mounts: [], volumes: [{ hostPath: "/", containerPath: "/host" }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/", Destination: "/host", RW: true }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET", "GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "rw bind of /etc/../proc/sys": { inputs: { mounts: [{ type: "bind", source: "/etc/../proc/sys", target: "/p", readOnly: false }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/etc/../proc/sys", Destination: "/p", RW: true }] }), fails: ["GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "docker.sock read-only": { inputs: { mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock", RW: false }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET"] },
    "docker.sock read-write": { inputs: { mounts: [{ type: "bind", source: "/run/docker.sock", target: "/var/run/docker.sock" }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/run/docker.sock", Destination: "/var/run/docker.sock", RW: true }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET", "GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "host network": { inputs: { networkMode: "host" }, inspect: withHost({ NetworkMode: "host" }), fails: ["GNH-CONTAINER-HOST-NAMESPACES"] },
    "host pid": { inputs: { pidMode: "host" }, inspect: withHost({ PidMode: "host" }), fails: ["GNH-CONTAINER-HOST-NAMESPACES"] },
    "host ipc": { inputs: { ipcMode: "host" }, inspect: withHost({ IpcMode: "host" }), fails: ["GNH-CONTAINER-HOST-NAMESPACES"] },
    "host userns": { inputs: { usernsMode: "host" }, inspect: withHost({ UsernsMode: "host" }), fails: ["GNH-CONTAINER-HOST-NAMESPACES"] },
    "seccomp unconfined": { inputs: { securityOpts: ["no-new-privileges=true", "seccomp=unconfined"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "seccomp=unconfined"] }), fails: ["GNH-CONTAINER-SECCOMP"] },
    "seccomp:unconfined (old spelling)": { inputs: { securityOpts: ["no-new-privileges", "seccomp:unconfined"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges", "seccomp:unconfined"] }), fails: ["GNH-CONTAINER-SECCOMP"] },
    "no no-new-privileges": { inputs: { securityOpts: [] }, inspect: withHost({ SecurityOpt: null }), fails: ["GNH-CONTAINER-NO-NEW-PRIVILEGES"] },
    "no-new-privileges=false": { inputs: { securityOpts: ["no-new-privileges=false"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=false"] }), fails: ["GNH-CONTAINER-NO-NEW-PRIVILEGES"] },
    "no memory limit": { inputs: { memory: undefined }, inspect: withHost({ Memory: 0 }), fails: ["GNH-CONTAINER-MEMORY-LIMIT"] },
    "restart always": { inputs: { restart: "always", maxRetryCount: undefined }, inspect: withHost({ RestartPolicy: { Name: "always", MaximumRetryCount: 0 } }), fails: ["GNH-CONTAINER-RESTART-POLICY"] },
    "restart unless-stopped": { inputs: { restart: "unless-stopped" }, inspect: withHost({ RestartPolicy: { Name: "unless-stopped", MaximumRetryCount: 0 } }), fails: ["GNH-CONTAINER-RESTART-POLICY"] },
    "on-failure without limit": { inputs: { restart: "on-failure", maxRetryCount: 0 }, inspect: withHost({ RestartPolicy: { Name: "on-failure", MaximumRetryCount: 0 } }), fails: ["GNH-CONTAINER-RESTART-POLICY"] },
    "on-failure 10": { inputs: { restart: "on-failure", maxRetryCount: 10 }, inspect: withHost({ RestartPolicy: { Name: "on-failure", MaximumRetryCount: 10 } }), fails: ["GNH-CONTAINER-RESTART-POLICY"] },
    "writable root filesystem": { inputs: { readOnly: false }, inspect: withHost({ ReadonlyRootfs: false }), fails: ["GNH-CONTAINER-READ-ONLY-ROOTFS"] },
    "image by tag": { inputs: { image: "nvcr.io/nvidia/cuda:12.4.1-base" }, inspect: withImage("nvcr.io/nvidia/cuda:12.4.1-base"), fails: ["GNH-CONTAINER-IMAGE-PINNED"] },
    "image with no tag (latest)": { inputs: { image: "ubuntu" }, inspect: withImage("ubuntu"), fails: ["GNH-CONTAINER-IMAGE-PINNED"] },
    "pinned, from Docker Hub": { inputs: { image: `pytorch/pytorch@${DIGEST}` }, inspect: withImage(`pytorch/pytorch@${DIGEST}`), fails: ["GNH-CONTAINER-IMAGE-PINNED"] },
    "an image ID (the registry is unknown)": { inputs: { image: DIGEST }, inspect: withImage(DIGEST), fails: ["GNH-CONTAINER-IMAGE-PINNED"] },
    "pinned, from a look-alike registry": { inputs: { image: `nvcr.io.example.com/nvidia/cuda@${DIGEST}` }, inspect: withImage(`nvcr.io.example.com/nvidia/cuda@${DIGEST}`), fails: ["GNH-CONTAINER-IMAGE-PINNED"] },
    "port on every interface (provider default ip)": { inputs: { ports: [{ internal: 8888, external: 8888 }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "port on ::": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "::" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "::", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "publish all (-P)": { inputs: { ports: [], publishAllPorts: true }, inspect: withHost({ PortBindings: {}, PublishAllPorts: true }), fails: ["GNH-CONTAINER-PORTS-BOUND", "GNH-CONTAINER-PORTS-REVIEW"] },
    "ro bind of /run (holds docker.sock)": { inputs: { mounts: [{ type: "bind", source: "/run", target: "/h", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/run", Destination: "/h", RW: false }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET"] },
    "ro bind of /var/run/ (trailing slash)": { inputs: { mounts: [{ type: "bind", source: "/var/run/", target: "/h", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/var/run/", Destination: "/h", RW: false }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET"] },
    "ro bind of /var (holds /var/run)": { inputs: { mounts: [{ type: "bind", source: "/var", target: "/h", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/var", Destination: "/h", RW: false }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET"] },
    "ro bind of /run/containerd (containerd.sock)": { inputs: { mounts: [{ type: "bind", source: "/run/containerd", target: "/h", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/run/containerd", Destination: "/h", RW: false }] }), fails: ["GNH-CONTAINER-DOCKER-SOCKET"] },
    "rw bind of /var/lib (holds /var/lib/docker)": { inputs: { mounts: [{ type: "bind", source: "/var/lib", target: "/h", readOnly: false }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/var/lib", Destination: "/h", RW: true }] }), fails: ["GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "rw bind of //etc": { inputs: { mounts: [{ type: "bind", source: "//etc", target: "/h", readOnly: false }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "//etc", Destination: "/h", RW: true }] }), fails: ["GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "rw bind of /srv/../etc/./": { inputs: { mounts: [{ type: "bind", source: "/srv/../etc/./", target: "/h", readOnly: false }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/srv/../etc/./", Destination: "/h", RW: true }] }), fails: ["GNH-CONTAINER-SENSITIVE-MOUNTS"] },
    "user 00": { inputs: { user: "00" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "00" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "user +0:1000": { inputs: { user: "+0:1000" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "+0:1000" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "user root:1000": { inputs: { user: "root:1000" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "root:1000" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "user 1000:0 (root group)": { inputs: { user: "1000:0" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "1000:0" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "user 1000:root": { inputs: { user: "1000:root" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "1000:root" } }), fails: ["GNH-CONTAINER-NON-ROOT"] },
    "no-new-privileges=0": { inputs: { securityOpts: ["no-new-privileges=0"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=0"] }), fails: ["GNH-CONTAINER-NO-NEW-PRIVILEGES"] },
    "no-new-privileges:False": { inputs: { securityOpts: ["no-new-privileges:False"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges:False"] }), fails: ["GNH-CONTAINER-NO-NEW-PRIVILEGES"] },
    "no-new-privileges twice, the last false": { inputs: { securityOpts: ["no-new-privileges=true", "no-new-privileges=f"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "no-new-privileges=f"] }), fails: ["GNH-CONTAINER-NO-NEW-PRIVILEGES"] },
    "seccomp twice, the last unconfined": { inputs: { securityOpts: ["no-new-privileges=true", "seccomp=/etc/docker/seccomp.json", "seccomp=unconfined"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "seccomp=/etc/docker/seccomp.json", "seccomp=unconfined"] }), fails: ["GNH-CONTAINER-SECCOMP"] },
    "port on 0:0:0:0:0:0:0:0": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "0:0:0:0:0:0:0:0" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "0:0:0:0:0:0:0:0", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "port on [::]": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "[::]" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "[::]", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "port on ::ffff:0.0.0.0": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "::ffff:0.0.0.0" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "::ffff:0.0.0.0", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "port on 0000::": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "0000::" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "0000::", HostPort: "8888" }] } }), fails: ["GNH-CONTAINER-PORTS-BOUND"] },
    "volume-mount request all/ (trailing slash)": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/all/", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/all/", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "volume-mount request //var/run/nvidia-container-devices/./all": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "//var/run/nvidia-container-devices/./all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "//var/run/nvidia-container-devices/./all", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "volume-mount request from /dev/./null": { inputs: { mounts: [{ type: "bind", source: "/dev/./null", target: "/var/run/nvidia-container-devices/all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/./null", Destination: "/var/run/nvidia-container-devices/all", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "volume-mount request cdi/nvidia.com/gpu/all": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/all", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "volume-mount request cdi/nvidia.com/gpu=all": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu=all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu=all", RW: false }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "host device /dev/char/195:0": { inputs: { devices: [{ hostPath: "/dev/char/195:0", containerPath: "/dev/g" }] }, inspect: withHost({ Devices: [{ PathOnHost: "/dev/char/195:0", PathInContainer: "/dev/g" }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "host device //dev/nvidia0": { inputs: { devices: [{ hostPath: "//dev/nvidia0", containerPath: "/dev/g" }] }, inspect: withHost({ Devices: [{ PathOnHost: "//dev/nvidia0", PathInContainer: "/dev/g" }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "host device /dev (a directory)": { inputs: { devices: [{ hostPath: "/dev", containerPath: "/dev/g" }] }, inspect: withHost({ Devices: [{ PathOnHost: "/dev", PathInContainer: "/dev/g" }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "device cgroup rule c 195:* rwm": { inputs: { deviceCgroupRules: ["c 195:* rwm"] }, inspect: withHost({ DeviceCgroupRules: ["c 195:* rwm"] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "device cgroup rule a *:* rwm": { inputs: { deviceCgroupRules: ["a *:* rwm"] }, inspect: withHost({ DeviceCgroupRules: ["a *:* rwm"] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT"] },
    "gpus count=-1": { inputs: { deviceRequests: [], gpus: "count=-1" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: -1, DeviceIDs: null }] }), fails: ["GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-GPU-CHANNEL"] },
    "device cgroup rule c 10:200 rwm (not a GPU, still a device)": { inputs: { deviceCgroupRules: ["c 10:200 rwm"] }, inspect: withHost({ DeviceCgroupRules: ["c 10:200 rwm"] }), fails: ["GNH-CONTAINER-HOST-DEVICES"] },
    "host device /dev/sda": { inputs: { devices: [{ hostPath: "/dev/sda", containerPath: "/dev/sda" }] }, inspect: withHost({ Devices: [{ PathOnHost: "/dev/sda", PathInContainer: "/dev/sda" }] }), fails: ["GNH-CONTAINER-HOST-DEVICES"] },
    "host device //dev/./mem": { inputs: { devices: [{ hostPath: "//dev/./mem", containerPath: "/dev/mem" }] }, inspect: withHost({ Devices: [{ PathOnHost: "//dev/./mem", PathInContainer: "/dev/mem" }] }), fails: ["GNH-CONTAINER-HOST-DEVICES"] },
    "writable-cgroups=true": { inputs: { securityOpts: ["no-new-privileges=true", "writable-cgroups=true"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "writable-cgroups=true"] }), fails: ["GNH-CONTAINER-HOST-CGROUPS"] },
    "writable-cgroups:1": { inputs: { securityOpts: ["no-new-privileges=true", "writable-cgroups:1"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "writable-cgroups:1"] }), fails: ["GNH-CONTAINER-HOST-CGROUPS"] },
    "cgroupns host": { inputs: { cgroupnsMode: "host" }, inspect: withHost({ CgroupnsMode: "host" }), fails: ["GNH-CONTAINER-HOST-CGROUPS"] },
    "group-add 0": { inputs: { groupAdds: ["0"] }, inspect: withHost({ GroupAdd: ["0"] }), fails: ["GNH-CONTAINER-HOST-GROUPS"] },
    "group-add docker": { inputs: { groupAdds: ["video", "docker"] }, inspect: withHost({ GroupAdd: ["video", "docker"] }), fails: ["GNH-CONTAINER-HOST-GROUPS"] },
    "apparmor=unconfined": { inputs: { securityOpts: ["no-new-privileges=true", "apparmor=unconfined"] }, inspect: (b) => ({ ...withHost({ SecurityOpt: ["no-new-privileges=true", "apparmor=unconfined"] })(b), AppArmorProfile: "unconfined" }), fails: ["GNH-CONTAINER-APPARMOR"] },
    "apparmor:unconfined": { inputs: { securityOpts: ["no-new-privileges=true", "apparmor:unconfined"] }, inspect: (b) => ({ ...withHost({ SecurityOpt: ["no-new-privileges=true", "apparmor:unconfined"] })(b), AppArmorProfile: "unconfined" }), fails: ["GNH-CONTAINER-APPARMOR"] },
    "label=disable": { inputs: { securityOpts: ["no-new-privileges=true", "label=disable"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "label=disable"] }), fails: ["GNH-CONTAINER-SELINUX"] },
    "label:disable": { inputs: { securityOpts: ["no-new-privileges=true", "label:disable"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "label:disable"] }), fails: ["GNH-CONTAINER-SELINUX"] },
    "privileged host port 443": { inputs: { ports: [{ internal: 8443, external: 443, ip: "10.0.0.5" }] }, inspect: withHost({ PortBindings: { "8443/tcp": [{ HostIp: "10.0.0.5", HostPort: "443" }] } }), fails: ["GNH-CONTAINER-PRIVILEGED-PORTS"] },
    "no CPU bound": { inputs: { cpus: undefined }, inspect: withHost({ NanoCpus: 0 }), fails: ["GNH-CONTAINER-CPU-PRIORITY"] },
    "cpu-shares 1024 (the default)": { inputs: { cpus: undefined, cpuShares: 1024 }, inspect: withHost({ NanoCpus: 0, CpuShares: 1024 }), fails: ["GNH-CONTAINER-CPU-PRIORITY"] },
    "rshared bind": { inputs: { mounts: [{ type: "bind", source: "/data/datasets", target: "/data", readOnly: true, bindOptions: { propagation: "rshared" } }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/data/datasets", Destination: "/data", RW: false, Propagation: "rshared" }] }), fails: ["GNH-CONTAINER-MOUNT-PROPAGATION"] },
    "shared bind": { inputs: { mounts: [{ type: "bind", source: "/data/datasets", target: "/data", readOnly: true, bindOptions: { propagation: "shared" } }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/data/datasets", Destination: "/data", RW: false, Propagation: "shared" }] }), fails: ["GNH-CONTAINER-MOUNT-PROPAGATION"] },
    "cgroup parent": { inputs: { cgroupParent: "/team-a" }, inspect: withHost({ CgroupParent: "/team-a" }), fails: ["GNH-CONTAINER-CGROUP-PARENT"] },
    "health check disabled": { inputs: { healthcheck: { tests: ["NONE"] } }, inspect: (b) => ({ ...b, Config: { ...b.Config, Healthcheck: { Test: ["NONE"] } } }), fails: ["GNH-CONTAINER-HEALTHCHECK"] },
};

/** Allowed spellings that must pass: explicit GPU ids and CDI names. */
const goodCases: Record<string, ParityCase> = {
    "gpus device=0,1 (quoted)": { inputs: { deviceRequests: [], gpus: '"device=0,1"' }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: 0, DeviceIDs: ["0", "1"] }] }), fails: ["GNH-CONTAINER-GPU-CHANNEL"] },
    "gpus by UUID": { inputs: { deviceRequests: [], gpus: "device=GPU-8f6c1f2e-1a2b-4c3d-9e8f-0123456789ab" }, inspect: withHost({ DeviceRequests: [{ Driver: "", Count: 0, DeviceIDs: ["GPU-8f6c1f2e-1a2b-4c3d-9e8f-0123456789ab"] }] }), fails: ["GNH-CONTAINER-GPU-CHANNEL"] },
    "CDI nvidia.com/gpu=0": { inputs: { deviceRequests: [], devices: [{ hostPath: "nvidia.com/gpu=0" }] }, inspect: withHost({ DeviceRequests: [{ Driver: "cdi", Count: 0, DeviceIDs: ["nvidia.com/gpu=0"] }] }), fails: [] },
    "nvidia runtime with explicit ids": { inputs: { runtime: "nvidia", envs: ["NVIDIA_VISIBLE_DEVICES=0,1"] }, inspect: (b) => withHost({ Runtime: "nvidia" })(withEnv(["NVIDIA_VISIBLE_DEVICES=0,1"])(b)), fails: ["GNH-CONTAINER-GPU-CHANNEL"] },
    "no GPU at all": { inputs: { deviceRequests: [], envs: [] }, inspect: (b) => withHost({ DeviceRequests: null })(withEnv([])(b)), fails: [] },
    "rw bind of a data directory": { inputs: { mounts: [{ type: "bind", source: "/data/out", target: "/out" }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/data/out", Destination: "/out", RW: true }] }), fails: [] },
    "ro bind of /etc/ssl": { inputs: { mounts: [{ type: "bind", source: "/etc/ssl/certs", target: "/etc/ssl/certs", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/etc/ssl/certs", Destination: "/etc/ssl/certs", RW: false }] }), fails: [] },
    "restart no": { inputs: { restart: "no" }, inspect: withHost({ RestartPolicy: { Name: "no", MaximumRetryCount: 0 } }), fails: [] },
    "tag and digest (Docker ignores the tag)": { inputs: { image: `nvcr.io/nvidia/cuda:12.4.1-base@${DIGEST}` }, inspect: withImage(`nvcr.io/nvidia/cuda:12.4.1-base@${DIGEST}`), fails: [] },
    "no published port": { inputs: { ports: [] }, inspect: withHost({ PortBindings: {} }), fails: [] },
    "port on 127.0.0.1": { inputs: { ports: [{ internal: 80, external: 8080, ip: "127.0.0.1" }] }, inspect: withHost({ PortBindings: { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }] } }), fails: [] },
    "user 1000:1000 (00 in the group is not 0)": { inputs: { user: "1000:1001" }, inspect: (b) => ({ ...b, Config: { ...b.Config, User: "1000:1001" } }), fails: [] },
    "no-new-privileges=1": { inputs: { securityOpts: ["no-new-privileges=1"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=1"] }), fails: [] },
    "no-new-privileges=TRUE": { inputs: { securityOpts: ["no-new-privileges=TRUE"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=TRUE"] }), fails: [] },
    "port on ::1": { inputs: { ports: [{ internal: 8888, external: 8888, ip: "::1" }] }, inspect: withHost({ PortBindings: { "8888/tcp": [{ HostIp: "::1", HostPort: "8888" }] } }), fails: [] },
    "ro bind of /run/user/1000 (no socket there)": { inputs: { mounts: [{ type: "bind", source: "/srv/data", target: "/h", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/srv/data", Destination: "/h", RW: false }] }), fails: [] },
    "volume-mount request for GPU 0": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/0", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/0", RW: false }] }), fails: [] },
    "volume-mount request cdi/nvidia.com/gpu/0": { inputs: { mounts: [{ type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/0", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/dev/null", Destination: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/0", RW: false }] }), fails: [] },
    "a mount at .../all from a file other than /dev/null (the toolkit ignores it)": { inputs: { mounts: [{ type: "bind", source: "/srv/empty", target: "/var/run/nvidia-container-devices/all", readOnly: true }] }, inspect: (b) => ({ ...b, Mounts: [{ Type: "bind", Source: "/srv/empty", Destination: "/var/run/nvidia-container-devices/all", RW: false }] }), fails: [] },
    "writable-cgroups=false": { inputs: { securityOpts: ["no-new-privileges=true", "writable-cgroups=false"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "writable-cgroups=false"] }), fails: [] },
    "group-add video": { inputs: { groupAdds: ["video"] }, inspect: withHost({ GroupAdd: ["video"] }), fails: [] },
    "host port 1025 (not privileged)": { inputs: { ports: [{ internal: 80, external: 1025, ip: "127.0.0.1" }] }, inspect: withHost({ PortBindings: { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "1025" }] } }), fails: [] },
    "cpu-shares 512": { inputs: { cpus: undefined, cpuShares: 512 }, inspect: withHost({ NanoCpus: 0, CpuShares: 512 }), fails: [] },
    "an AppArmor profile of its own": { inputs: { securityOpts: ["no-new-privileges=true", "apparmor=gpu-job"] }, inspect: (b) => ({ ...withHost({ SecurityOpt: ["no-new-privileges=true", "apparmor=gpu-job"] })(b), AppArmorProfile: "gpu-job" }), fails: [] },
    "an SELinux type": { inputs: { securityOpts: ["no-new-privileges=true", "label=type:gpu_t"] }, inspect: withHost({ SecurityOpt: ["no-new-privileges=true", "label=type:gpu_t"] }), fails: [] },
};

/** Rules judged in preview: parity is asserted over these (the audit also judges audit-only rules). */
const previewRules = containerRules.filter((r) => r.checkedAt.includes("preview"));

const failing = (facts: ContainerFacts) => previewRules.filter((r) => r.evaluate(facts).status === "fail").map((r) => r.id).sort();
const fromInputs = (patch: Partial<ContainerInputs>): ContainerSpec => containerSpecFromInputs({ ...hardenedInputs, ...patch });

describe("container rules", () => {
    it("pass on the hardened container, from inputs and from docker inspect", () => {
        expect(failing({ container: fromInputs({}) })).toEqual([]);
        expect(failing({ container: containerSpecFromInspect(hardenedInspect) })).toEqual([]);
        // audit-only rules too: the inspected container has a pids limit, its processes, a network of its own
        const live = containerSpecFromInspect({ ...hardenedInspect, HostConfig: { ...hardenedInspect.HostConfig, NetworkMode: "gpu-jobs" } }, ["python3"]);
        const daemon = { noNewPrivileges: true, appArmor: true, selinux: false, iccDisabled: true, defaultUlimits: true };
        expect(containerRules.map((r) => [r.id, r.evaluate({ container: live, daemon }).status]).filter(([, status]) => status !== "pass"))
            .toEqual([["GNH-CONTAINER-SELINUX", "not-applicable"]]);
    });

    it("has a failing case for every rule", () => {
        const covered = new Set(Object.values(cases).flatMap((c) => c.fails));
        expect(previewRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    });

    it.each(Object.entries({ ...cases, ...goodCases }))("%s: the policy adapter and the audit adapter fail the same rules", (_name, c) => {
        const fromPolicy = failing({ container: fromInputs(c.inputs) });
        const fromAudit = failing({ container: containerSpecFromInspect(c.inspect(hardenedInspect)) });
        expect(fromPolicy).toEqual([...c.fails].sort());
        expect(fromAudit).toEqual(fromPolicy);
    });

    it("names the container and the cause in its messages", () => {
        const spec = fromInputs({ gpus: "all", deviceRequests: [] });
        const gpu = containerRules.find((r) => r.id === "GNH-CONTAINER-GPUS-EXPLICIT")!;
        expect(gpu.evaluate({ container: spec })).toEqual({
            status: "fail",
            message: "container trainer asks for GPUs without naming them: GPU request with count -1 (--gpus all)",
        });
        const mounts = containerRules.find((r) => r.id === "GNH-CONTAINER-SENSITIVE-MOUNTS")!;
        expect(mounts.evaluate({ container: fromInputs({ mounts: [{ type: "bind", source: "/etc", target: "/host-etc" }] }) })).toEqual({
            status: "fail", message: "container trainer mounts /etc (at /host-etc) read-write",
        });
        const caps = containerRules.find((r) => r.id === "GNH-CONTAINER-CAPABILITIES")!;
        expect(caps.evaluate({ container: fromInputs({ capabilities: { adds: ["cap_sys_admin"], drops: ["ALL"] } }) })).toEqual({
            status: "fail", message: "container trainer adds SYS_ADMIN",
        });
    });

    it("takes allow-lists for capabilities and writable host paths", () => {
        const caps = containerRules.find((r) => r.id === "GNH-CONTAINER-CAPABILITIES")!;
        const spec = fromInputs({ capabilities: { adds: ["SYS_NICE"], drops: ["ALL"] } });
        expect(caps.evaluate({ container: spec }).status).toBe("fail");
        expect(caps.evaluate({ container: spec, options: { allowedCapabilities: ["CAP_SYS_NICE"] } }).status).toBe("pass");
        const mounts = containerRules.find((r) => r.id === "GNH-CONTAINER-SENSITIVE-MOUNTS")!;
        const logs = fromInputs({ mounts: [{ type: "bind", source: "/var/lib/docker/volumes/x", target: "/x" }] });
        expect(mounts.evaluate({ container: logs }).status).toBe("fail");
        expect(mounts.evaluate({ container: logs, options: { writableHostPaths: ["/var/lib/docker/volumes/x"] } }).status).toBe("pass");
    });

    it("accepts the daemon's no-new-privileges default on a live host", () => {
        const nnp = containerRules.find((r) => r.id === "GNH-CONTAINER-NO-NEW-PRIVILEGES")!;
        const spec = containerSpecFromInspect(withHost({ SecurityOpt: null })(hardenedInspect));
        expect(nnp.evaluate({ container: spec }).status).toBe("fail");
        expect(nnp.evaluate({ container: spec, daemon: { noNewPrivileges: true } }).status).toBe("pass");
        expect(nnp.evaluate({ container: spec, daemon: { noNewPrivileges: false } })).toEqual({
            status: "fail", message: "container trainer does not set no-new-privileges and the daemon does not default it",
        });
    });

    it("judges the PIDs limit on live containers only", () => {
        const pids = containerRules.find((r) => r.id === "GNH-CONTAINER-PIDS-LIMIT")!;
        expect(pids.checkedAt).toEqual(["audit"]);
        expect(pids.evaluate({ container: fromInputs({}) }).status).toBe("not-applicable");
        expect(pids.evaluate({ container: containerSpecFromInspect(withHost({ PidsLimit: null })(hardenedInspect)) })).toEqual({
            status: "fail", message: "container trainer has no PIDs limit",
        });
    });
});

describe("docker's --gpus syntax", () => {
    it.each([
        ["all", { driver: "", count: -1, deviceIds: [] }],
        ["2", { driver: "", count: 2, deviceIds: [] }],
        ["device=all", { driver: "", count: 0, deviceIds: ["all"] }],
        ['"device=0,2",capabilities=compute', { driver: "", count: 0, deviceIds: ["0", "2"] }],
        ["driver=nvidia,count=all", { driver: "nvidia", count: -1, deviceIds: [] }],
    ])("%s", (value, expected) => {
        expect(parseGpus(value)).toEqual(expected);
    });
});

describe("the CrossGuard adapter", () => {
    // imported here so that the rule tests above need no Pulumi module
    /** config: the options of GNH-APT-PINNED-FINGERPRINT, as the pack's configuration gives them. */
    const run = async (type: string, props: Record<string, unknown>, name = "res", config?: Record<string, unknown>) => {
        const { policiesFromCatalog } = await import("../../policies/catalogPolicies");
        const violations: string[] = [];
        for (const policy of policiesFromCatalog()) {
            const validate = (policy as { validateResource?: (args: unknown, report: (m: string) => void) => void }).validateResource;
            const getConfig = () => (policy.name === "GNH-APT-PINNED-FINGERPRINT" ? config ?? {} : {});
            validate?.({ type, props, name, urn: `urn:pulumi:s::p::${type}::${name}`, opts: {}, getConfig }, (message: string) => violations.push(`${policy.name} ${message}`));
        }
        return violations;
    };

    it("judges docker Container inputs with the container rules", async () => {
        expect(await run("docker:index/container:Container", { ...hardenedInputs })).toEqual([]);
        const violations = await run("docker:index/container:Container", { ...hardenedInputs, gpus: "all", deviceRequests: [] }, "train");
        expect(violations).toEqual([
            `GNH-CONTAINER-GPUS-EXPLICIT GNH-CONTAINER-GPUS-EXPLICIT: container trainer asks for GPUs without naming them: GPU request with count -1 (--gpus all). Fix: ${containerRules.find((r) => r.id === "GNH-CONTAINER-GPUS-EXPLICIT")!.remediation}`,
            `GNH-CONTAINER-GPU-CHANNEL GNH-CONTAINER-GPU-CHANNEL: container trainer asks for GPUs through a Docker GPU request (--gpus all): on a hardened node an unprivileged container gets no GPU that way; use CDI names (--device nvidia.com/gpu=<index>). Fix: ${containerRules.find((r) => r.id === "GNH-CONTAINER-GPU-CHANNEL")!.remediation}`,
        ]);
    });

    it("judges gnh:host:NvidiaToolkit inputs with the toolkit rules, trusting the configured fingerprint", async () => {
        const { desiredRuntimeConfig } = await import("../../rules/toolkitRules");
        const props = {
            version: "1.20.2",
            repository: { url: "http://gnh-mirror/good/stable/deb/amd64", keyUrl: "http://gnh-mirror/good/gpgkey", fingerprint: "8D10C53CED819F7C8AD93888E59F858F05C78659", keyringPath: "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg", listPath: "/etc/apt/sources.list.d/nvidia-container-toolkit.list" },
            runtimeConfig: desiredRuntimeConfig("1.20.2"),
        };
        const trusted = { trustedFingerprints: [props.repository.fingerprint] };
        expect(await run("gnh:host:NvidiaToolkit", props, undefined, trusted)).toEqual([]);
        expect((await run("gnh:host:NvidiaToolkit", props)).map((v) => v.split(" ")[0])).toEqual(["GNH-APT-PINNED-FINGERPRINT"]);
        const weak = await run("gnh:host:NvidiaToolkit", { ...props, version: "1.17.3", repository: { ...props.repository, url: "http://nvidia.github.io/libnvidia-container/stable/deb/amd64" } }, "gnh-node-1-toolkit", trusted);
        expect(weak.map((v) => v.split(" ")[0])).toEqual(["GNH-TOOLKIT-ADVISORIES", "GNH-TOOLKIT-COMPAT-HOOK", "GNH-APT-HTTPS"]);
        expect(weak[0]).toContain("CVE-2025-23359");
        expect(weak[2]).toContain("gnh-node-1-toolkit: http://nvidia.github.io/libnvidia-container/stable/deb/amd64 is plain http to public host nvidia.github.io");
    });

    it("keeps judging daemon settings", async () => {
        expect((await run("gnh:host:DockerDaemonConfig", { settings: { icc: true } })).some((v) => v.startsWith("GNH-DAEMON-ICC "))).toBe(true);
    });
});

describe("image references", () => {
    it.each([
        ["nvcr.io/nvidia/cuda:12.4.1-base", { registry: "nvcr.io", repository: "nvidia/cuda", tag: "12.4.1-base" }],
        ["ubuntu", { registry: "docker.io", repository: "ubuntu" }],
        ["pytorch/pytorch:latest", { registry: "docker.io", repository: "pytorch/pytorch", tag: "latest" }],
        ["gnh-registry:5000/gnh/sleep@sha256:" + "0".repeat(64), { registry: "gnh-registry:5000", repository: "gnh/sleep", digest: "sha256:" + "0".repeat(64) }],
        ["localhost/app:1", { registry: "localhost", repository: "app", tag: "1" }],
        ["MyHost/app@sha256:" + "2".repeat(64), { registry: "MyHost", repository: "app", digest: "sha256:" + "2".repeat(64) }],
        ["sha256:" + "1".repeat(64), { digest: "sha256:" + "1".repeat(64) }],
    ])("%s", (reference, expected) => {
        expect(parseImageReference(reference)).toEqual(expected);
    });

    it("allows the registries configured, and only those", () => {
        const container = containerSpecFromInputs({ ...hardenedInputs, image: `gnh-registry:5000/gnh/sleep@${DIGEST}` });
        const rule = containerRules.find((r) => r.id === "GNH-CONTAINER-IMAGE-PINNED")!;
        expect(rule.evaluate({ container })).toEqual({ status: "fail", message: `container trainer pulls "gnh-registry:5000/gnh/sleep@${DIGEST}" from gnh-registry:5000, which is not an allowed registry (nvcr.io)` });
        expect(rule.evaluate({ container, options: { allowedRegistries: ["nvcr.io", "gnh-registry:5000"] } })).toEqual({ status: "pass" });
        expect(rule.evaluate({ container: { ...container, image: "nvcr.io/nvidia/cuda:12" } })).toEqual({ status: "fail", message: 'container trainer runs "nvcr.io/nvidia/cuda:12" by tag: pin it by digest (@sha256:…)' });
    });

    it("names each port published on every interface", () => {
        const container = containerSpecFromInputs({ ...hardenedInputs, ports: [{ internal: 8888, external: 9999 }, { internal: 53, external: 53, ip: "10.0.0.5", protocol: "udp" }] });
        expect(containerRules.find((r) => r.id === "GNH-CONTAINER-PORTS-BOUND")!.evaluate({ container }))
            .toEqual({ status: "fail", message: "container trainer publishes 9999->8888/tcp on every interface" });
    });
});

describe("NVIDIA_VISIBLE_DEVICES as the toolkit reads it (GNH-CONTAINER-GPU-CHANNEL)", () => {
    it.each([
        ["", false], [" , ", false], ["void", false], ["0,void", false], ["none", false], ["none,0", false], ["0,none", false],
        ["0", true], [" 1 , 3 ", true], ["all", true], ["all,none", true], ["GPU-8f6c1f2e", true], ["VOID", true], ["None", true],
    ] as const)("%j asks for a GPU: %s", (value, asks) => {
        expect(visibleDevicesAskForGpus(value)).toBe(asks);
        const rule = containerRules.find((r) => r.id === "GNH-CONTAINER-GPU-CHANNEL")!;
        const container = fromInputs({ envs: [`NVIDIA_VISIBLE_DEVICES=${value}`] });
        expect(rule.evaluate({ container }).status).toBe(asks ? "fail" : "pass");
    });
});
