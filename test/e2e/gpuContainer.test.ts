// HardenedGpuContainer's spec, live, on a hardened lab node (gnh-node-2): the `docker run` form of
// the same spec the component hands to docker.Container (the docker provider binary cannot be
// installed here). The node is hardened by `pulumi up` of the fleet program on a stack of its
// own, and reset at the end.
//
// The image comes from the lab registry, pinned by digest, as docker.RemoteImage pulls it: pushed
// from gnh-node-3 (`lab.sh push-sample`), pulled on gnh-node-2 by "gnh-registry:5000/gnh/sleep@sha256:…"
// over TLS with the lab CA.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerProviderInputs, dockerRunArgs } from "../../lib/containerAdapters";
import { GpuContainerSettings, gpuContainerSpec } from "../../lib/containerSpec";
import { parseFleet } from "../../lib/fleet";
import { shellQuote } from "../../lib/shellQuote";
import { writeKnownHosts } from "../../components/gpuContainer";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, hardenFreshNode, onNode, onNodeOk, resetNode } from "../support/lab";
import { pushSampleImage } from "../support/registry";

const node = "gnh-node-2";
/** Pushes the image to the registry: another node, so only the registry carries it to `node`. */
const imageSource = "gnh-node-3";
const stack = uniqueStackName("e2e-gpuc");
const pulumi = fleetCli(stack);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-gpuc-e2e-"));
const CLI_LOG = "/var/log/nvidia-container-cli.log";

/** "gnh-registry:5000/gnh/sleep@sha256:…": sleep and id, pinned by the registry's digest. */
let imageRef: string;
/** The image ID (config digest) the pull gave the node. */
let imageId: string;
let settings: GpuContainerSettings;

const inspect = (name: string) => JSON.parse(onNodeOk(node, `docker inspect ${shellQuote(name)}`))[0];
const run = (spec: ReturnType<typeof gpuContainerSpec>) => onNode(node, `docker run ${dockerRunArgs(spec).map(shellQuote).join(" ")}`);
const cliLog = () => onNodeOk(node, `cat ${CLI_LOG} 2>/dev/null || true`).trim().split("\n").filter(Boolean);
/**
 * The GPU ids a hook call asked nvidia-container-cli for, sorted: the hook lists them in the order
 * Docker hands it the per-GPU mounts, which is not the order they were given in.
 */
const requestedDevices = (line: string) => /(?:^| )--device=(\S+)/.exec(line)?.[1]?.split(",").sort().join(",");

beforeAll(() => {
    // From 1.18 the runtime's "auto" mode generates CDI edits through NVML, which a lab node without
    // a GPU driver lacks ("failed to initialize NVML: ERROR_LIBRARY_NOT_FOUND"); the legacy mode
    // keeps the hook path (and the placeholder nvidia-container-cli) that the mounts channel uses.
    hardenFreshNode(pulumi, node, { 'toolkitRuntimeConfig["nvidia-container-runtime.mode"]': "legacy" });
    imageRef = pushSampleImage(imageSource);
    // What docker.RemoteImage does before the container exists: pull the pinned reference.
    const pulled = onNode(node, `docker pull ${shellQuote(imageRef)}`);
    expect(pulled.status, pulled.stderr).toBe(0);
    imageId = onNodeOk(node, `docker image inspect -f '{{.Id}}' ${shellQuote(imageRef)}`).trim();
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    settings = {
        image: imageRef,
        // the fleet's own registry, as a user writes it (the lab records it in the fleet file)
        allowedRegistries: ["nvcr.io", parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).registry!.host],
        user: "1000:1000",
        gpus: ["1", "3"],
        command: ["/usr/bin/sleep", "100000"],
        memoryMb: 64,
        cpus: 0.5,
        pidsLimit: 256,
        hostPaths: [{ source: "/etc/os-release", target: "/host/os-release" }],
        ports: [{ internal: 8080, external: 18080 }],
        bindAddress: "127.0.0.1",
    };
}, 600_000);

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(work, { recursive: true, force: true });
    resetNode(node);
});

describe(`HardenedGpuContainer's docker run form on a hardened node (${node})`, () => {
    it("runs the image pulled by digest from the lab registry with the nvidia runtime as a non-root user, asking nvidia-container-cli for exactly the requested GPUs", () => {
        onNodeOk(node, `rm -f ${CLI_LOG}`);
        const spec = gpuContainerSpec("gpuc-e2e", settings);
        const started = run(spec);
        expect(started.status, started.stderr).toBe(0);

        const live = inspect("gpuc-e2e");
        expect(live.State.Running).toBe(true);
        expect(live.HostConfig.Runtime).toBe("nvidia");
        // The container names the digest reference and runs the image that pull gave: nothing by tag.
        expect(live.Config.Image).toBe(imageRef);
        expect(live.Image).toBe(imageId);
        const image = JSON.parse(onNodeOk(node, `docker image inspect ${shellQuote(imageId)}`))[0];
        expect(image.RepoDigests).toEqual([imageRef]);
        expect(image.RepoTags).toEqual([]);
        expect(onNodeOk(node, "docker exec gpuc-e2e id").trim()).toBe("uid=1000 gid=1000 groups=1000");

        // One call of the (placeholder) nvidia-container-cli, for GPUs 1 and 3 and nothing else.
        const calls = cliLog();
        expect(calls).toHaveLength(1);
        expect(calls[0]).toContain(" configure ");
        expect(requestedDevices(calls[0])).toBe("1,3");

        // The kernel's view of the container's process: filtered by seccomp, no new privileges.
        const status = onNodeOk(node, `grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/${live.State.Pid}/status`);
        expect(status).toMatch(/Seccomp:\s+2/);
        expect(status).toMatch(/NoNewPrivs:\s+1/);
        expect(status).toMatch(/CapEff:\s+0000000000000000/);
        // The daemon's seccomp profile (the node's) applies: the container sets none of its own.
        expect((live.HostConfig.SecurityOpt as string[]).filter((o) => o.startsWith("seccomp"))).toEqual([]);
        expect(onNodeOk(node, "docker info --format '{{json .SecurityOptions}}'")).toContain("name=seccomp,profile=/etc/docker/seccomp.json");
        expect(live.HostConfig.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "18080" }] });
    });

    it("is clean for every container rule in the live audit", () => {
        const result = spawnSync("npm", ["run", "--silent", "audit", "--", "--fleet", fleetFile, "--node", node, "--format", "json"],
            { cwd: projectRoot, encoding: "utf8", timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
        const report = JSON.parse(result.stdout) as { nodes: { node: string; status: string; findings: { ruleId: string; target: string; status: string; message: string }[] }[] };
        const audited = report.nodes.find((n) => n.node === node);
        expect(audited?.status, result.stderr).toBe("audited");
        const mine = audited!.findings.filter((f) => f.target === "container gpuc-e2e" && f.ruleId.startsWith("GNH-CONTAINER-"));
        expect(mine.length).toBeGreaterThanOrEqual(13);
        // the lab's image has no HEALTHCHECK (advisory), and the lab's Docker has neither AppArmor nor SELinux
        expect(mine.filter((f) => f.status === "fail").map((f) => f.ruleId)).toEqual(["GNH-CONTAINER-HEALTHCHECK"]);
        expect(mine.filter((f) => f.status === "not-applicable").map((f) => `${f.ruleId}: ${f.message}`)).toEqual([
            "GNH-CONTAINER-APPARMOR: the host's Docker does not use AppArmor", "GNH-CONTAINER-SELINUX: the host's Docker does not use SELinux"]);
    });

    it("observed: Docker's own GPU requests (--gpus) do not reach nvidia-container-cli on a hardened node", () => {
        // Docker passes --gpus as NVIDIA_VISIBLE_DEVICES; the toolkit ignores it for unprivileged
        // containers (accept-nvidia-visible-devices-envvar-when-unprivileged = false). The
        // container starts, without GPUs: why "mounts" is the default mechanism.
        onNodeOk(node, `rm -f ${CLI_LOG}`);
        const spec = gpuContainerSpec("gpuc-e2e-gpus", { ...settings, gpuRequest: "device-requests", ports: [] });
        const started = run(spec);
        expect(started.status, started.stderr).toBe(0);
        expect(inspect("gpuc-e2e-gpus").HostConfig.DeviceRequests).toEqual([{ Driver: "nvidia", Count: 0, DeviceIDs: ["1", "3"], Capabilities: [["gpu"]], Options: {} }]);
        expect(cliLog()).toEqual([]);
        onNodeOk(node, "docker rm -f gpuc-e2e-gpus >/dev/null");
    });

    it("CDI: an unprivileged container gets exactly the GPU it names, injected by dockerd from the node's spec", () => {
        // HardenedDockerDaemon sets "features": {"cdi": true}; the lab's placeholder spec
        // (lab/node/cdi-placeholder.yaml) stands in for what nvidia-ctk generates on a GPU host.
        expect(JSON.parse(onNodeOk(node, "cat /etc/docker/daemon.json")).features).toEqual({ cdi: true });
        const spec = gpuContainerSpec("gpuc-e2e-cdi", { ...settings, gpus: ["nvidia.com/gpu=1"], ports: [] });
        const started = run(spec);
        expect(started.status, started.stderr).toBe(0);
        const container = inspect("gpuc-e2e-cdi");
        expect(container.HostConfig.Privileged).toBe(false);
        expect(container.HostConfig.DeviceRequests).toEqual([expect.objectContaining({ Driver: "cdi", DeviceIDs: ["nvidia.com/gpu=1"] })]);
        const pid = String(container.State.Pid);
        const env = onNodeOk(node, `tr '\\0' '\\n' < /proc/${pid}/environ`).split("\n").filter((l) => l.startsWith("GNH_LAB_"));
        expect(env.sort()).toEqual(["GNH_LAB_CDI=placeholder", "GNH_LAB_GPU_1=present"]);
        expect(onNodeOk(node, `ls /proc/${pid}/root/dev`).split("\n").filter((d) => d.startsWith("nvidia"))).toEqual(["nvidia1"]);
        expect(onNodeOk(node, `docker exec gpuc-e2e-cdi id -u`).trim()).toBe("1000");
        onNodeOk(node, "docker rm -f gpuc-e2e-cdi >/dev/null");
    });

    it("the docker provider's ssh options reach the node only when its host key matches", () => {
        const fleetNode = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).nodes.find((n) => n.name === node)!;
        const good = path.join(work, "known_hosts");
        writeKnownHosts(good, [fleetNode]);
        const other = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).nodes.find((n) => n.name !== node)!;
        const wrong = path.join(work, "wrong_known_hosts");
        writeKnownHosts(wrong, [{ ...fleetNode, hostKey: other.hostKey }]);
        // What docker's ssh connection helper runs: ssh <sshOpts> -l USER -p PORT -- HOST docker ...
        const ssh = (knownHostsFile: string) => {
            const { sshOpts } = dockerProviderInputs({ ...fleetNode, knownHostsFile });
            return spawnSync("ssh", [...sshOpts, "-l", fleetNode.user, "-p", String(fleetNode.port), "--", fleetNode.host, "docker", "version", "--format", "{{.Server.Version}}"],
                { encoding: "utf8", timeout: 60_000 });
        };
        const ok = ssh(good);
        expect(ok.status, ok.stderr).toBe(0);
        expect(ok.stdout.trim()).toMatch(/^\d+\./);
        const refused = ssh(wrong);
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    });
});
