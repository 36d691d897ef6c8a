// The differential table of issue #17: spellings of the same forbidden (or allowed) container
// setting, each as `docker create` arguments and, where preview can see it, as @pulumi/docker
// Container inputs. The first row of a class is its canonical spelling; every other row must get
// the same verdict from the live audit, and from the policy pack where it has inputs.

export interface Spelling {
    /** What the rows of a class have in common; the first row of a class is the canonical one. */
    readonly class: string;
    readonly spelling: string;
    /** `docker create` arguments after the compliant base. */
    readonly args: readonly string[];
    readonly rule: string;
    readonly verdict: "fail" | "pass";
    /** Container inputs over the compliant base; "not visible at preview" where Pulumi has no such input. */
    readonly inputs: Readonly<Record<string, unknown>> | "not visible at preview";
}

const NNP = "no-new-privileges=true";
const bind = (source: string, target: string, readOnly: boolean) => ({ mounts: [{ type: "bind", source, target, readOnly }] });
const opts = (...extra: string[]) => ({ securityOpts: [NNP, ...extra] });

const rows: [string, string, string[], string, "fail" | "pass", Spelling["inputs"]][] = [
    // GPUs through the toolkit's volume-mount channel
    ["all GPUs by volume mount", "/var/run/nvidia-container-devices/all", ["-v", "/dev/null:/var/run/nvidia-container-devices/all:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/null", "/var/run/nvidia-container-devices/all", true)],
    ["all GPUs by volume mount", "trailing slash", ["-v", "/dev/null:/var/run/nvidia-container-devices/all/:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/null", "/var/run/nvidia-container-devices/all/", true)],
    ["all GPUs by volume mount", "doubled slash and dot", ["--mount", "type=bind,source=/dev/null,target=//var/run/nvidia-container-devices/./all,readonly"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/null", "//var/run/nvidia-container-devices/./all", true)],
    ["all GPUs by volume mount", "source /dev/./null", ["-v", "/dev/./null:/var/run/nvidia-container-devices/all:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/./null", "/var/run/nvidia-container-devices/all", true)],
    ["all GPUs by volume mount", "cdi/nvidia.com/gpu/all", ["-v", "/dev/null:/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/all:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/null", "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/all", true)],
    ["all GPUs by volume mount", "cdi/nvidia.com/gpu=all", ["--mount", "type=bind,source=/dev/null,target=/var/run/nvidia-container-devices/cdi/nvidia.com/gpu=all,readonly"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", bind("/dev/null", "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu=all", true)],
    // GPUs through Docker's own requests and CDI names
    ["all GPUs by request", "--gpus all", ["--gpus", "all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { gpus: "all" }],
    ["all GPUs by request", "--gpus count=all", ["--gpus", "count=all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { gpus: "count=all" }],
    ["all GPUs by request", "--gpus count=-1", ["--gpus", "count=-1"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { gpus: "count=-1" }],
    ["all GPUs by request", "--gpus device=all", ["--gpus", "device=all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { gpus: "device=all" }],
    ["all GPUs by request", "CDI nvidia.com/gpu=all", ["--device", "nvidia.com/gpu=all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { devices: [{ hostPath: "nvidia.com/gpu=all" }] }],
    ["all GPUs by request", "CDI annotation", ["--annotation", "cdi.k8s.io/job=nvidia.com/gpu=all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", "not visible at preview"],
    ["all GPUs by request", "CDI annotation, all after an explicit one", ["--annotation", "cdi.k8s.io/other=nvidia.com/gpu=0,nvidia.com/gpu=all"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", "not visible at preview"],
    // GPU device nodes and cgroup rules
    ["GPU devices directly", "device cgroup rule c 195:* rwm", ["--device-cgroup-rule", "c 195:* rwm"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { deviceCgroupRules: ["c 195:* rwm"] }],
    ["GPU devices directly", "device cgroup rule a *:* rwm", ["--device-cgroup-rule", "a *:* rwm"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { deviceCgroupRules: ["a *:* rwm"] }],
    ["GPU devices directly", "device cgroup rule c *:* rwm", ["--device-cgroup-rule", "c *:* rwm"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { deviceCgroupRules: ["c *:* rwm"] }],
    ["GPU devices directly", "the directory /dev as a device", ["--device", "/dev:/dev/host"], "GNH-CONTAINER-GPUS-EXPLICIT", "fail", { devices: [{ hostPath: "/dev", containerPath: "/dev/host" }] }],
    // the Docker socket
    ["runtime socket", "/var/run/docker.sock read-only", ["-v", "/var/run/docker.sock:/s:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "fail", bind("/var/run/docker.sock", "/s", true)],
    ["runtime socket", "/run (holds docker.sock)", ["-v", "/run:/h:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "fail", bind("/run", "/h", true)],
    ["runtime socket", "/var/run/ with a slash", ["-v", "/var/run/:/h:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "fail", bind("/var/run/", "/h", true)],
    ["runtime socket", "/var (holds /var/run)", ["-v", "/var:/h:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "fail", bind("/var", "/h", true)],
    ["runtime socket", "/run/containerd (containerd.sock)", ["-v", "/run/containerd:/h:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "fail", bind("/run/containerd", "/h", true)],
    // writable binds that reach sensitive paths
    ["sensitive path writable", "/etc", ["-v", "/etc:/h"], "GNH-CONTAINER-SENSITIVE-MOUNTS", "fail", bind("/etc", "/h", false)],
    ["sensitive path writable", "/var/lib (holds /var/lib/docker)", ["-v", "/var/lib:/h"], "GNH-CONTAINER-SENSITIVE-MOUNTS", "fail", bind("/var/lib", "/h", false)],
    ["sensitive path writable", "//etc", ["-v", "//etc:/h"], "GNH-CONTAINER-SENSITIVE-MOUNTS", "fail", bind("//etc", "/h", false)],
    ["sensitive path writable", "/srv/../etc", ["-v", "/srv/../etc:/h"], "GNH-CONTAINER-SENSITIVE-MOUNTS", "fail", bind("/srv/../etc", "/h", false)],
    ["sensitive path writable", "a local volume bound to /etc", ["--mount", "type=volume,source=gnh-sp-etc,target=/h,volume-driver=local,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/etc"], "GNH-CONTAINER-SENSITIVE-MOUNTS", "fail",
        { mounts: [{ type: "volume", source: "gnh-sp-etc", target: "/h", volumeOptions: { driverName: "local", driverOptions: { type: "none", o: "bind", device: "/etc" } } }] }],
    // root
    ["root user", "0", ["--user", "0"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "0" }],
    ["root user", "00", ["--user", "00"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "00" }],
    ["root user", "+0", ["--user", "+0"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "+0" }],
    ["root user", "root:1000", ["--user", "root:1000"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "root:1000" }],
    ["root user", "1000:0 (root group)", ["--user", "1000:0"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "1000:0" }],
    ["root user", "1000:root", ["--user", "1000:root"], "GNH-CONTAINER-NON-ROOT", "fail", { user: "1000:root" }],
    // security options: the last one wins, booleans as Go's ParseBool reads them
    ["no-new-privileges off", "=false", ["--security-opt", "no-new-privileges=false"], "GNH-CONTAINER-NO-NEW-PRIVILEGES", "fail", { securityOpts: [NNP, "no-new-privileges=false"] }],
    ["no-new-privileges off", "=0", ["--security-opt", "no-new-privileges=0"], "GNH-CONTAINER-NO-NEW-PRIVILEGES", "fail", { securityOpts: [NNP, "no-new-privileges=0"] }],
    ["no-new-privileges off", "=f", ["--security-opt", "no-new-privileges=f"], "GNH-CONTAINER-NO-NEW-PRIVILEGES", "fail", { securityOpts: [NNP, "no-new-privileges=f"] }],
    ["no-new-privileges off", ":False", ["--security-opt", "no-new-privileges:False"], "GNH-CONTAINER-NO-NEW-PRIVILEGES", "fail", { securityOpts: [NNP, "no-new-privileges:False"] }],
    ["seccomp off", "seccomp=unconfined", ["--security-opt", "seccomp=unconfined"], "GNH-CONTAINER-SECCOMP", "fail", opts("seccomp=unconfined")],
    ["seccomp off", "seccomp:unconfined", ["--security-opt", "seccomp:unconfined"], "GNH-CONTAINER-SECCOMP", "fail", opts("seccomp:unconfined")],
    ["AppArmor off", "apparmor=unconfined", ["--security-opt", "apparmor=unconfined"], "GNH-CONTAINER-APPARMOR", "fail", opts("apparmor=unconfined")],
    ["AppArmor off", "apparmor:unconfined", ["--security-opt", "apparmor:unconfined"], "GNH-CONTAINER-APPARMOR", "fail", opts("apparmor:unconfined")],
    ["SELinux off", "label=disable", ["--security-opt", "label=disable"], "GNH-CONTAINER-SELINUX", "fail", opts("label=disable")],
    ["SELinux off", "label:disable", ["--security-opt", "label:disable"], "GNH-CONTAINER-SELINUX", "fail", opts("label:disable")],
    ["cgroups writable", "writable-cgroups=true", ["--security-opt", "writable-cgroups=true"], "GNH-CONTAINER-HOST-CGROUPS", "fail", opts("writable-cgroups=true")],
    ["cgroups writable", "writable-cgroups=1", ["--security-opt", "writable-cgroups=1"], "GNH-CONTAINER-HOST-CGROUPS", "fail", opts("writable-cgroups=1")],
    ["cgroups writable", "--cgroupns host", ["--cgroupns", "host"], "GNH-CONTAINER-HOST-CGROUPS", "fail", { cgroupnsMode: "host" }],
    // other host devices (CIS 5.18)
    ["host device", "/dev/null as a device", ["--device", "/dev/null:/dev/xnull"], "GNH-CONTAINER-HOST-DEVICES", "fail", { devices: [{ hostPath: "/dev/null", containerPath: "/dev/xnull" }] }],
    ["host device", "//dev/./null", ["--device", "//dev/./null:/dev/xnull"], "GNH-CONTAINER-HOST-DEVICES", "fail", { devices: [{ hostPath: "//dev/./null", containerPath: "/dev/xnull" }] }],
    ["host device", "device cgroup rule c 1:3 rwm", ["--device-cgroup-rule", "c 1:3 rwm"], "GNH-CONTAINER-HOST-DEVICES", "fail", { deviceCgroupRules: ["c 1:3 rwm"] }],
    // published on every interface
    ["every interface", "no address", ["-p", "18081:80"], "GNH-CONTAINER-PORTS-BOUND", "fail", { ports: [{ internal: 80, external: 18081 }] }],
    ["every interface", "0.0.0.0", ["-p", "0.0.0.0:18082:80"], "GNH-CONTAINER-PORTS-BOUND", "fail", { ports: [{ internal: 80, external: 18082, ip: "0.0.0.0" }] }],
    ["every interface", "[::]", ["-p", "[::]:18083:80"], "GNH-CONTAINER-PORTS-BOUND", "fail", { ports: [{ internal: 80, external: 18083, ip: "::" }] }],
    ["every interface", "[0:0:0:0:0:0:0:0]", ["-p", "[0:0:0:0:0:0:0:0]:18084:80"], "GNH-CONTAINER-PORTS-BOUND", "fail", { ports: [{ internal: 80, external: 18084, ip: "0:0:0:0:0:0:0:0" }] }],
    ["every interface", "[::ffff:0.0.0.0]", ["-p", "[::ffff:0.0.0.0]:18085:80"], "GNH-CONTAINER-PORTS-BOUND", "fail", { ports: [{ internal: 80, external: 18085, ip: "::ffff:0.0.0.0" }] }],
    ["supplementary groups", "--group-add 0", ["--group-add", "0"], "GNH-CONTAINER-HOST-GROUPS", "fail", { groupAdds: ["0"] }],
    ["supplementary groups", "--group-add docker", ["--group-add", "docker"], "GNH-CONTAINER-HOST-GROUPS", "fail", { groupAdds: ["docker"] }],
    // allowed spellings that must keep passing
    ["one GPU by volume mount", "/var/run/nvidia-container-devices/0", ["-v", "/dev/null:/var/run/nvidia-container-devices/0:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "pass", bind("/dev/null", "/var/run/nvidia-container-devices/0", true)],
    ["one GPU by volume mount", "cdi/nvidia.com/gpu/0", ["-v", "/dev/null:/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/0:ro"], "GNH-CONTAINER-GPUS-EXPLICIT", "pass", bind("/dev/null", "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu/0", true)],
    ["one address", "127.0.0.1", ["-p", "127.0.0.1:18086:80"], "GNH-CONTAINER-PORTS-BOUND", "pass", { ports: [{ internal: 80, external: 18086, ip: "127.0.0.1" }] }],
    ["no-new-privileges on", "=1", ["--security-opt", "no-new-privileges=1"], "GNH-CONTAINER-NO-NEW-PRIVILEGES", "pass", { securityOpts: ["no-new-privileges=1"] }],
    ["no socket reached", "/srv read-only", ["-v", "/srv:/h:ro"], "GNH-CONTAINER-DOCKER-SOCKET", "pass", bind("/srv", "/h", true)],
];

export const SPELLINGS: readonly Spelling[] = rows.map(([cls, spelling, args, rule, verdict, inputs]) => ({ class: cls, spelling, args, rule, verdict, inputs }));

/** `docker create` arguments every row starts from: otherwise compliant (non-root, no capabilities, read-only, limits). */
export const COMPLIANT_ARGS = ["--user", "1000:1000", "--cap-drop", "ALL", "--read-only", "--memory", "64m", "--cpus", "0.1", "--pids-limit", "50",
    "--security-opt", NNP, "--restart", "on-failure:3"] as const;

/** The same, as @pulumi/docker Container inputs. */
export const COMPLIANT_INPUTS: Readonly<Record<string, unknown>> = {
    image: `nvcr.io/nvidia/cuda@sha256:${"0".repeat(64)}`, user: "1000:1000", capabilities: { drops: ["ALL"] }, readOnly: true,
    memory: 64, cpus: "0.1", securityOpts: [NNP], restart: "on-failure", maxRetryCount: 3,
};
