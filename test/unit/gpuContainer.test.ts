// HardenedGpuContainer: the exact docker.Container inputs it registers (Pulumi mocks), every unsafe
// argument refused at construction with its own message and nothing registered, the spec passing
// every GNH-CONTAINER-* rule (directly and through the policy pack's normalizer), the `docker run`
// form of the same spec, the docker provider over ssh:// with the host key checked, and the
// example program: the component's container passes, the raw one fails.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installMocks, RegisteredResource } from "../support/mocks";
import { dockerContainerInputs, dockerProviderInputs, dockerRunArgs, knownHostsLine } from "../../lib/containerAdapters";
import { GpuContainerSettings, gpuContainerSpec } from "../../lib/containerSpec";
import { containerFacts, containerSpecFromInputs } from "../../policies/containerPolicies";
import { containerRules, evaluateContainer } from "../../rules/containerRules";

const registered = installMocks();
type Component = typeof import("../../components/gpuContainer");
let component: Component;

const digest = `sha256:${"4f".repeat(32)}`;
const image = `registry.lab/vision/trainer@${digest}`;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-gpuc-unit-"));
const knownHostsFile = path.join(workDir, "known_hosts");
const node = {
    name: "gnh-node-2",
    host: "127.0.0.1",
    port: 22202,
    user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNVa3NVt4sNAfEeuJCk20WZvscj8rvxKmmK0S5WG0Ly",
    privateKeyPath: "/keys/id_ed25519",
    knownHostsFile,
};

/** The happy path: every case below changes one field of it. */
const happy: GpuContainerSettings = {
    image,
    allowedRegistries: ["nvcr.io", "registry.lab"],
    user: "1000:1000",
    gpus: ["0", "2"],
    command: ["python", "-m", "train"],
    env: { HOME: "/tmp" },
    memoryMb: 8192,
    cpus: 4,
    hostPaths: [{ source: "/srv/datasets", target: "/data" }, { source: "/srv/ckpt/job1", target: "/ckpt" }],
    writableHostPaths: ["/srv/ckpt"],
    ports: [{ internal: 6006 }],
    bindAddress: "127.0.0.1",
};

const newContainer = (name: string, patch: Partial<GpuContainerSettings> & Record<string, unknown>) =>
    new component.HardenedGpuContainer(name, { ...happy, node, ...patch } as never);

const byName = (name: string): RegisteredResource => {
    const found = [...registered].reverse().find((r) => r.name === name);
    if (!found) {
        throw new Error(`no resource ${name}; have ${registered.map((r) => r.name).join(", ")}`);
    }
    return found;
};

beforeAll(async () => {
    component = await import("../../components/gpuContainer");
    component.writeKnownHosts(knownHostsFile, [node]);
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe("HardenedGpuContainer: what it registers", () => {
    it("registers the provider once, the pinned image, and exactly these Container inputs", async () => {
        newContainer("trainer", {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(byName("trainer").type).toBe("gpu-node-hardening:index:HardenedGpuContainer");
        expect(byName("docker-gnh-node-2").type).toBe("pulumi:providers:docker");
        // Provider inputs reach the engine JSON-encoded.
        const providerInputs = byName("docker-gnh-node-2").inputs;
        expect(providerInputs.host).toBe("ssh://root@127.0.0.1:22202");
        expect(JSON.parse(providerInputs.sshOpts as string)).toEqual(
            ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHostsFile}`, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-i", "/keys/id_ed25519", "-o", "BatchMode=yes"]);
        expect(byName("trainer-image")).toEqual({ type: "docker:index/remoteImage:RemoteImage", name: "trainer-image", inputs: { name: image, keepLocally: true } });
        const container = byName("trainer-container");
        expect(container.type).toBe("docker:index/container:Container");
        expect(container.inputs).toEqual({
            name: "trainer",
            image,
            command: ["python", "-m", "train"],
            user: "1000:1000",
            envs: ["HOME=/tmp", "NVIDIA_VISIBLE_DEVICES=void"],
            runtime: "nvidia",
            privileged: false,
            capabilities: { drops: ["ALL"] },
            securityOpts: ["no-new-privileges=true"],
            readOnly: true,
            tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=268435456" },
            mounts: [
                { type: "bind", source: "/srv/datasets", target: "/data", readOnly: true },
                { type: "bind", source: "/srv/ckpt/job1", target: "/ckpt", readOnly: false },
                { type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/0", readOnly: true },
                { type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/2", readOnly: true },
            ],
            memory: 8192,
            cpus: "4",
            restart: "on-failure",
            maxRetryCount: 3,
            networkMode: "bridge",
            cgroupnsMode: "private",
            ports: [{ internal: 6006, external: 6006, ip: "127.0.0.1", protocol: "tcp" }],
        });
    });

    it("pulls a registry image (host:port, as the lab's) by its digest: RemoteImage and Container name the same reference", async () => {
        const labImage = `gnh-registry:5000/gnh/sleep@sha256:${"0a".repeat(32)}`;
        newContainer("sampler", { image: labImage, allowedRegistries: ["gnh-registry:5000"] });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(byName("sampler-image")).toEqual({ type: "docker:index/remoteImage:RemoteImage", name: "sampler-image", inputs: { name: labImage, keepLocally: true } });
        expect(byName("sampler-container").inputs.image).toBe(labImage);
    });

    it("reuses the node's one docker provider for a second container", async () => {
        newContainer("evaluator", { gpus: ["GPU-8a4f1c2e-1b2c-4d5e-9f00-112233445566"] });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(registered.filter((r) => r.type === "pulumi:providers:docker").map((r) => r.name)).toEqual(["docker-gnh-node-2"]);
        expect(byName("evaluator-container").inputs.mounts).toContainEqual(
            { type: "bind", source: "/dev/null", target: "/var/run/nvidia-container-devices/GPU-8a4f1c2e-1b2c-4d5e-9f00-112233445566", readOnly: true });
    });

    it("maps CDI names to CDI device requests on runc, and gpuRequest device-requests to nvidia requests", async () => {
        newContainer("cdi-job", { gpus: ["nvidia.com/gpu=1"] });
        newContainer("dr-job", { gpus: ["3"], gpuRequest: "device-requests" });
        await new Promise((resolve) => setTimeout(resolve, 50));
        const cdi = byName("cdi-job-container").inputs;
        expect(cdi.runtime).toBe("runc");
        expect(cdi.deviceRequests).toEqual([{ driver: "cdi", deviceIds: ["nvidia.com/gpu=1"] }]);
        expect(cdi.envs).toEqual(["HOME=/tmp", "NVIDIA_VISIBLE_DEVICES=void"]);
        expect((cdi.mounts as { source: string }[]).map((m) => m.source)).toEqual(["/srv/datasets", "/srv/ckpt/job1"]);
        const dr = byName("dr-job-container").inputs;
        expect(dr.runtime).toBe("nvidia");
        expect(dr.deviceRequests).toEqual([{ driver: "nvidia", deviceIds: ["3"], capabilities: ["gpu"] }]);
        expect(dr.envs).toEqual(["HOME=/tmp"]);
    });
});

/** One unsafe change each, and the one message it must produce. */
const unsafe: Record<string, [Record<string, unknown>, string]> = {
    "a bare tag": [{ image: "registry.lab/vision/trainer:1.4" }, '"image" "registry.lab/vision/trainer:1.4" is not pinned by digest: use "repo@sha256:<64 hex digits>" (what runs can change under a tag), or set allowTag: true on purpose'],
    "no tag at all (latest)": [{ image: "ubuntu" }, '"image" "ubuntu" is not pinned by digest: use "repo@sha256:<64 hex digits>" (what runs can change under a tag), or set allowTag: true on purpose'],
    "a registry not allowed": [{ image: `docker.io/library/ubuntu@${digest}` }, `"image" "docker.io/library/ubuntu@${digest}" comes from docker.io, which is not in "allowedRegistries" (nvcr.io, registry.lab): add the fleet's own registry there, on purpose`],
    "Docker Hub by default (no registry named)": [{ image: `ubuntu@${digest}`, allowedRegistries: undefined }, `"image" "ubuntu@${digest}" comes from docker.io, which is not in "allowedRegistries" (nvcr.io): add the fleet's own registry there, on purpose`],
    "a short digest": [{ image: "registry.lab/x@sha256:abc" }, '"image" "registry.lab/x@sha256:abc" is not an image reference ("repo@sha256:<64 hex digits>")'],
    "no user": [{ user: undefined }, '"user" is required: a non-root numeric "UID:GID" such as "1000:1000" (images run as root unless told otherwise)'],
    "user root": [{ user: "root" }, '"user" "root" must be numeric "UID:GID" (a name can map to root inside the image)'],
    "uid 0": [{ user: "0:1000" }, '"user" "0:1000" is root (UID 0): use a non-root UID'],
    "gid 0": [{ user: "1000:0" }, '"user" "1000:0" has the root group (GID 0): use a non-root GID'],
    "no gpus": [{ gpus: [] }, '"gpus" must name at least one GPU by index ("0"), UUID ("GPU-…") or CDI name ("nvidia.com/gpu=0")'],
    "gpus all": [{ gpus: ["all"] }, '"gpus" entry "all" does not name one GPU: list GPUs by index, UUID or CDI name, never all (another tenant\'s GPU memory and time)'],
    "CDI all": [{ gpus: ["nvidia.com/gpu=all"] }, '"gpus" entry "nvidia.com/gpu=all" does not name one GPU: list GPUs by index, UUID or CDI name, never all (another tenant\'s GPU memory and time)'],
    "--gpus syntax": [{ gpus: ["device=0"] }, '"gpus" entry "device=0" is not a GPU index ("0", "0:1" for MIG), UUID ("GPU-…", "MIG-…") or CDI name ("nvidia.com/gpu=0")'],
    "duplicate gpu": [{ gpus: ["1", "1"] }, '"gpus" lists 1 more than once'],
    "CDI mixed with index": [{ gpus: ["0", "nvidia.com/gpu=1"] }, '"gpus" mixes CDI names with indices or UUIDs: use one kind (they reach the container by different mechanisms)'],
    "gpuRequest with CDI": [{ gpus: ["nvidia.com/gpu=1"], gpuRequest: "mounts" }, '"gpuRequest" applies to indices and UUIDs only: CDI names are always CDI device requests'],
    "NVIDIA_VISIBLE_DEVICES in env": [{ env: { NVIDIA_VISIBLE_DEVICES: "all" } }, '"env" must not set NVIDIA_VISIBLE_DEVICES: GPUs are chosen with "gpus" (the variable can widen the selection on a node that accepts it)'],
    "no memory limit": [{ memoryMb: undefined }, '"memoryMb" is required'],
    "zero memory": [{ memoryMb: 0 }, '"memoryMb" 0 must be a positive integer'],
    "no cpu limit": [{ cpus: undefined }, '"cpus" is required'],
    "negative pids limit": [{ pidsLimit: -1 }, '"pidsLimit" -1 must be a positive integer'],
    "unbounded restarts": [{ restartMaxRetries: 10 }, '"restartMaxRetries" 10 must be an integer from 0 (never restart) to 5 (restart on failure, bounded)'],
    "host network": [{ network: "host" }, '"network" "host" is not allowed: use "bridge" or a user-defined network (never the host\'s or another container\'s namespace)'],
    "another container's network": [{ network: "container:db" }, '"network" "container:db" is not allowed: use "bridge" or a user-defined network (never the host\'s or another container\'s namespace)'],
    "writable /etc": [{ writableHostPaths: ["/etc/app"] }, '"writableHostPaths" entry "/etc/app" is (or contains) a sensitive host path: it can only be mounted read-only'],
    "writable parent of a sensitive path": [{ writableHostPaths: ["/var/lib"] }, '"writableHostPaths" entry "/var/lib" is (or contains) a sensitive host path: it can only be mounted read-only'],
    "the docker socket": [{ hostPaths: [{ source: "/var/run/docker.sock", target: "/docker.sock" }] }, '"hostPaths" source "/var/run/docker.sock" is (or holds) a container runtime socket: that is root on the node, read-only or not'],
    "a relative host path": [{ hostPaths: [{ source: "data", target: "/data" }] }, '"hostPaths" source "data" must be an absolute path'],
    "a GPU request mount by hand": [{ hostPaths: [{ source: "/dev/null", target: "/var/run/nvidia-container-devices/all" }] }, '"hostPaths" target "/var/run/nvidia-container-devices/all" is where the toolkit reads GPU requests: choose GPUs with "gpus"'],
    "ports without an address": [{ bindAddress: undefined }, '"ports" need "bindAddress": the node address to publish on (for example "127.0.0.1"); Docker\'s default is every interface'],
    "ports on every interface": [{ bindAddress: "0.0.0.0" }, '"bindAddress" "0.0.0.0" is every interface: bind to one address'],
    "ports on every IPv6 interface": [{ bindAddress: "::" }, '"bindAddress" "::" is every interface: bind to one address'],
    "ports on every interface, IPv4-mapped": [{ bindAddress: "::ffff:0.0.0.0" }, '"bindAddress" "::ffff:0.0.0.0" is every interface: bind to one address'],
    "ports on every interface, written out": [{ bindAddress: "0:0:0:0:0:0:0:0" }, '"bindAddress" "0:0:0:0:0:0:0:0" is every interface: bind to one address'],
    "a host path that holds the Docker socket": [{ hostPaths: [{ source: "/var/run", target: "/h" }] }, '"hostPaths" source "/var/run" is (or holds) a container runtime socket'],
    "a user 00": [{ user: "00:1000" }, '"user" "00:1000" is root (UID 0)'],
    "a port out of range": [{ ports: [{ internal: 70000 }] }, '"ports" entry {"internal":70000} has a port outside 1-65535'],
    "tmpfs without a size": [{ tmpfs: { "/scratch": 0 } }, '"tmpfs" size of /scratch 0 must be a positive integer'],
    "no node or provider": [{ node: undefined }, 'give exactly one of "node" (the component uses that node\'s docker provider) or "provider"'],
};

describe("HardenedGpuContainer: unsafe arguments fail at construction", () => {
    for (const [name, [patch, message]] of Object.entries(unsafe)) {
        it(`refuses ${name}`, () => {
            const before = registered.length;
            expect(() => newContainer("bad", patch)).toThrow(`HardenedGpuContainer bad: ${message}`);
            expect(registered.length).toBe(before);
        });
    }

    it("lists every problem at once", () => {
        expect(() => newContainer("bad", { user: "0", gpus: ["all"], memoryMb: undefined })).toThrow(
            'HardenedGpuContainer bad: 3 problems:\n- "user" "0" is root (UID 0): use a non-root UID\n- "gpus" entry "all" does not name one GPU: list GPUs by index, UUID or CDI name, never all (another tenant\'s GPU memory and time)\n- "memoryMb" is required');
    });

    it("accepts a tag only when allowTag is set", () => {
        expect(gpuContainerSpec("ok", { ...happy, image: "registry.lab/x:1", allowTag: true }).image).toBe("registry.lab/x:1");
        expect(() => gpuContainerSpec("ok", { ...happy, image: digest })).toThrow(`"image" "${digest}" is an image ID, whose registry is not known`);
    });

    it("refuses a known_hosts file without the node's key, and a second definition of the node", () => {
        const other = path.join(workDir, "other_known_hosts");
        fs.writeFileSync(other, "[127.0.0.1]:22202 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
        expect(() => component.dockerProviderFor({ ...node, name: "n9", knownHostsFile: other })).toThrow(
            `HardenedGpuContainer (node n9): node n9: known_hosts file ${other} has no line "[127.0.0.1]:22202 ${node.hostKey}": write it with writeKnownHosts()`);
        expect(() => component.dockerProviderFor({ ...node, name: "n9", knownHostsFile: path.join(workDir, "missing") })).toThrow("does not exist");
        expect(() => component.dockerProviderFor({ ...node, port: 22 })).toThrow();
        component.writeKnownHosts(other, [node, { ...node, port: 22 }]);
        expect(() => component.dockerProviderFor({ ...node, knownHostsFile: other })).toThrow(
            "node gnh-node-2 is already defined with another connection in this program: one docker provider per node");
        expect(() => component.dockerProviderFor({ ...node, hostKey: "" })).toThrow('node gnh-node-2: "hostKey" (the host\'s public key) or "hostCertificateAuthority" (the CA that signs its host certificate) is required: host keys are always verified');
        expect(() => component.dockerProviderFor({ ...node, hostCertificateAuthority: node.hostKey })).toThrow('node gnh-node-2: give "hostKey" or "hostCertificateAuthority", not both');
        const bastion = { host: "127.0.0.1", port: 22290, user: "jump", privateKeyPath: "/keys/jump" };
        expect(() => component.dockerProviderFor({ ...node, bastion })).toThrow('node gnh-node-2: bastion: "hostKey" (the host\'s public key) or "hostCertificateAuthority" (the CA that signs its host certificate) is required');
    });
});

describe("the spec and the rules", () => {
    const spec = gpuContainerSpec("trainer", happy);

    it("passes every GNH-CONTAINER-* rule, none skipped", () => {
        const verdicts = evaluateContainer({ container: spec, options: { allowedRegistries: happy.allowedRegistries } });
        const onTheNodeOnly = ["GNH-CONTAINER-SSHD", "GNH-CONTAINER-ULIMITS", "GNH-CONTAINER-HEALTHCHECK", "GNH-CONTAINER-DEFAULT-BRIDGE"];
        expect(verdicts.map((v) => [v.rule.id, v.verdict.status])).toEqual(containerRules.map((r) => [r.id, onTheNodeOnly.includes(r.id) ? "not-applicable" : "pass"]));
        expect(component.SATISFIED_RULE_IDS).toEqual(containerRules.map((r) => r.id));
    });

    it("passes them through the policy pack's normalizer too (PIDs: the provider has no such input)", () => {
        const facts = containerFacts("docker:index/container:Container", dockerContainerInputs(spec) as never, "trainer-container");
        const verdicts = evaluateContainer({ ...facts!, options: { allowedRegistries: happy.allowedRegistries } });
        expect(verdicts.filter((v) => v.verdict.status !== "pass").map((v) => [v.rule.id, v.verdict.status])).toEqual([
            ["GNH-CONTAINER-PIDS-LIMIT", "not-applicable"], ["GNH-CONTAINER-SSHD", "not-applicable"], ["GNH-CONTAINER-ULIMITS", "not-applicable"],
            ["GNH-CONTAINER-HEALTHCHECK", "not-applicable"], ["GNH-CONTAINER-DEFAULT-BRIDGE", "not-applicable"]]);
        const back = containerSpecFromInputs(dockerContainerInputs(spec) as never);
        expect({ ...back, pidsLimit: spec.pidsLimit, source: spec.source }).toMatchObject({
            name: spec.name, image: spec.image, user: spec.user, env: spec.env, runtime: spec.runtime, capDrop: spec.capDrop,
            securityOpts: spec.securityOpts, memoryBytes: spec.memoryBytes, restart: spec.restart, readOnlyRootfs: true, mounts: spec.mounts,
        });
    });

    it("renders the same spec as a docker run argument list", () => {
        expect(dockerRunArgs(spec)).toEqual([
            "--detach", "--name", "trainer", "--user", "1000:1000", "--runtime", "nvidia", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges=true", "--read-only", "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=268435456",
            "--mount", "type=bind,source=/srv/datasets,target=/data,readonly",
            "--mount", "type=bind,source=/srv/ckpt/job1,target=/ckpt",
            "--mount", "type=bind,source=/dev/null,target=/var/run/nvidia-container-devices/0,readonly",
            "--mount", "type=bind,source=/dev/null,target=/var/run/nvidia-container-devices/2,readonly",
            "--env", "HOME=/tmp", "--env", "NVIDIA_VISIBLE_DEVICES=void",
            "--memory", "8192m", "--cpus", "4", "--pids-limit", "4096", "--restart", "on-failure:3", "--network", "bridge", "--cgroupns", "private",
            "--publish", "127.0.0.1:6006:6006/tcp", image, "python", "-m", "train",
        ]);
        const cdi = dockerRunArgs(gpuContainerSpec("c", { ...happy, gpus: ["nvidia.com/gpu=0"], ports: [], restartMaxRetries: 0, cpus: 0.5 }));
        expect(cdi).toEqual(expect.arrayContaining(["--device", "nvidia.com/gpu=0", "--runtime", "runc", "--restart", "no", "--cpus", "0.5"]));
        expect(dockerRunArgs(gpuContainerSpec("d", { ...happy, gpuRequest: "device-requests" }))).toEqual(expect.arrayContaining(["--gpus", 'driver=nvidia,"device=0,2"']));
    });

    it("renders the provider connection with the host key checked, never trust-on-first-use", () => {
        const inputs = dockerProviderInputs(node);
        expect(inputs.sshOpts.join(" ")).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
        expect(knownHostsLine(node)).toBe(`[127.0.0.1]:22202 ${node.hostKey}`);
        expect(knownHostsLine({ ...node, port: 22 })).toBe(`127.0.0.1 ${node.hostKey}`);
    });
});

describe("examples/workloads", () => {
    it("the component's container passes every rule; the raw one fails the ones it breaks", async () => {
        const fleet = path.join(workDir, "fleet.yaml");
        fs.writeFileSync(fleet, `defaults:\n  user: root\n  privateKeyPath: /keys/id_ed25519\nregistry:\n  host: registry.lab\nnodes:\n  - name: gnh-node-2\n    host: 127.0.0.1\n    port: 22202\n    hostKey: "${node.hostKey}"\n`);
        const pulumi = await import("@pulumi/pulumi");
        pulumi.runtime.setAllConfig({
            "gpu-node-hardening:fleetFile": fleet,
            "gpu-node-hardening:image": image,
            "gpu-node-hardening:gpus": '["1"]',
            "gpu-node-hardening:includeNonCompliant": "true",
            "gpu-node-hardening:knownHostsFile": knownHostsFile,
        });
        await import("../../examples/workloads/index");
        await new Promise((resolve) => setTimeout(resolve, 50));
        const verdictsOf = (name: string) => {
            const r = byName(name);
            const facts = containerFacts(r.type, r.inputs, r.name)!;
            return evaluateContainer({ ...facts, options: { allowedRegistries: ["nvcr.io", "registry.lab"] } }).filter((v) => v.verdict.status === "fail").map((v) => v.rule.id);
        };
        expect(verdictsOf("trainer-container")).toEqual([]);
        expect(verdictsOf("legacy-notebook").sort()).toEqual([
            "GNH-CONTAINER-CAPABILITIES", "GNH-CONTAINER-CPU-PRIORITY", "GNH-CONTAINER-DOCKER-SOCKET", "GNH-CONTAINER-GPUS-EXPLICIT", "GNH-CONTAINER-HOST-NAMESPACES",
            "GNH-CONTAINER-IMAGE-PINNED", "GNH-CONTAINER-MEMORY-LIMIT", "GNH-CONTAINER-NO-NEW-PRIVILEGES", "GNH-CONTAINER-NON-ROOT",
            "GNH-CONTAINER-PORTS-BOUND", "GNH-CONTAINER-PRIVILEGED", "GNH-CONTAINER-READ-ONLY-ROOTFS",
            "GNH-CONTAINER-RESTART-POLICY", "GNH-CONTAINER-SECCOMP", "GNH-CONTAINER-SENSITIVE-MOUNTS",
        ]);
    });
});
