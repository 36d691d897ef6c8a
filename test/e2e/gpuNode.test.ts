// A green lab node hardened by `pulumi up` of the fleet program: real engine, real SSH, real
// apt and Docker on the node. One file, one node (gnh-node-1), reset first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueStackName } from "../support/engine";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../support/engine";
import { fleetCli, initNodeStack, onNode, onNodeOk, onNodeWithInput, requireLab, resetNode, SLEEP_IMAGE_SCRIPT, upChanges } from "../support/lab";
import { DEFAULT_TOOLKIT_VERSION } from "../../lib/toolkitConfig";

const node = "gnh-node-1";
const stack = uniqueStackName("e2e-gpunode");
const pulumi = fleetCli(stack);
let before: { id: string; pid: string; startedAt: string };

const dockerdStart = () => onNodeOk(node, "systemctl show -p ExecMainStartTimestampMonotonic --value docker.service").trim();
const inspect = (name: string) => {
    const [id, pid, startedAt] = onNodeOk(node, `docker inspect -f '{{.Id}} {{.State.Pid}} {{.State.StartedAt}}' ${name}`).trim().split(" ");
    return { id, pid, startedAt };
};

beforeAll(() => {
    requireLab();
    resetNode(node);
    onNodeOk(node, SLEEP_IMAGE_SCRIPT);
    // A running job WITHOUT a restart policy: only live-restore keeps it through a restart.
    onNodeOk(node, "docker run -d --name job --restart=no gnh-sleep:1 /usr/bin/sleep 100000 >/dev/null");
    before = inspect("job");
    expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim()).toBe("false");
    expect(initNodeStack(pulumi, node)).toBe(true);
});

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
});

describe(`pulumi up on a green lab node (${node})`, () => {
    it("installs and hardens everything, keeping the running container alive", () => {
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);

        expect(onNodeOk(node, "nvidia-ctk --version")).toContain(`version ${DEFAULT_TOOLKIT_VERSION}`);
        expect(onNodeOk(node, "apt-mark showhold").trim().split("\n").sort()).toEqual(
            ["libnvidia-container-tools", "libnvidia-container1", "nvidia-container-toolkit", "nvidia-container-toolkit-base"]);
        expect(onNodeOk(node, "cat /etc/apt/sources.list.d/nvidia-container-toolkit.list").trim())
            .toBe("deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] http://gnh-mirror/good/stable/deb/amd64 /");
        const primaries = onNodeOk(node, "gpg --batch --with-colons --show-keys /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg | grep -c '^pub:'").trim();
        expect(primaries).toBe("1");
        expect(onNode(node, "apt-get update --error-on=any -qq").status).toBe(0);
        expect(onNodeOk(node, "grep -E '^(disable-cuda-compat-lib-hook|accept-nvidia-visible-devices-envvar-when-unprivileged)' /etc/nvidia-container-runtime/config.toml"))
            .toMatch(/accept-nvidia-visible-devices-envvar-when-unprivileged = false[\s\S]*disable-cuda-compat-lib-hook = false/);

        const info = JSON.parse(onNodeOk(node, "docker info --format '{{json .}}'"));
        expect(Object.keys(info.Runtimes)).toContain("nvidia");
        expect(info.SecurityOptions).toEqual(expect.arrayContaining(["name=seccomp,profile=/etc/docker/seccomp.json", "name=no-new-privileges"]));
        expect(info.LiveRestoreEnabled).toBe(true);
        expect(inspect("job")).toEqual(before);
        expect(onNodeOk(node, "stat -c '%U:%G %a' /etc/docker/daemon.json /etc/docker/seccomp.json").trim().split("\n")).toEqual(["root:root 644", "root:root 644"]);
    });

    it("runs a container with the nvidia runtime under the new seccomp profile", () => {
        expect(onNodeOk(node, "docker run --rm --runtime=nvidia gnh-sleep:1 /usr/bin/sleep 0 && echo ran").trim()).toBe("ran");
    });

    it("blocks a syscall that Docker's default profile allows (ptrace without CAP_SYS_PTRACE)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-probe-"));
        execFileSync("gcc", ["-static", "-O2", "-o", path.join(dir, "probe"), path.join(projectRoot, "test", "fixtures", "seccomp-probe", "ptraceProbe.c")]);
        const tar = execFileSync("tar", ["-C", dir, "-c", "probe"]);
        fs.rmSync(dir, { recursive: true, force: true });
        expect(onNodeWithInput(node, "docker import - gnh-ptrace-probe:1 >/dev/null", tar).status).toBe(0);
        const denied = onNode(node, "docker run --rm gnh-ptrace-probe:1 /probe");
        expect(denied.stdout.trim()).toBe("ptrace denied: errno 1");
        expect(denied.status).toBe(3);
        const debugger_ = onNode(node, "docker run --rm --cap-add SYS_PTRACE gnh-ptrace-probe:1 /probe");
        expect(debugger_.stdout.trim()).toBe("ptrace allowed");
        expect(debugger_.status).toBe(0);
    });

    it("changes nothing on a second up and restarts nothing", () => {
        const started = dockerdStart();
        const up = pulumi("up", "--yes", "--skip-preview", "--json");
        expect(up.status, up.stderr).toBe(0);
        expect(upChanges(up.stdout)).toEqual({ same: 12 }); // 8 + DockerAuditRules, AuditRules, CisFileModes, FileModes
        expect(dockerdStart()).toBe(started);
    });

    it("reads the node with one SSH round trip in a no-change refresh (issue #21)", () => {
        const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gnh-trace-")), "ssh.log");
        process.env.GNH_SSH_TRACE = trace;
        try {
            const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
            expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
        } finally {
            delete process.env.GNH_SSH_TRACE;
        }
        // the daemon, the toolkit, the seccomp file, the audit rules and the file modes: one batch
        expect(fs.readFileSync(trace, "utf8").trim().split("\n")).toEqual([`${node} read-batch 5`]);
    });

    it("reports drift by node and key in a refresh preview, repairs it with up --refresh, then is quiet", () => {
        onNodeOk(node, `sed -i 's/"icc": false/"icc": true/' /etc/docker/daemon.json`);
        onNodeOk(node, "apt-mark unhold nvidia-container-toolkit >/dev/null");
        onNodeOk(node, "echo '{}' > /etc/docker/seccomp.json");
        onNodeOk(node, "sed -i 's/^accept-nvidia-visible-devices-envvar-when-unprivileged = false/accept-nvidia-visible-devices-envvar-when-unprivileged = true/' /etc/nvidia-container-runtime/config.toml");
        const drift = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(drift.status).not.toBe(0);
        const text = drift.stdout + drift.stderr;
        expect(text).toContain(`gnh:host:DockerDaemonConfig: (update)`);
        expect(text).toContain(`${node}-daemon-json`);
        expect(text).toMatch(/~ icc\s+: true => false/);
        expect(text).toContain(`nvidia-container-toolkit=${DEFAULT_TOOLKIT_VERSION}-1 (not held)`);
        expect(text).toMatch(/gnh:host:File: \(update\)[\s\S]*gnh-node-1-seccomp-json[\s\S]*content/);
        expect(text).toMatch(/~ accept-nvidia-visible-devices-envvar-when-unprivileged\s*: true => false/);

        const repair = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(repair.status, repair.stdout + repair.stderr).toBe(0);
        expect(onNodeOk(node, "grep '\"icc\"' /etc/docker/daemon.json")).toContain("false");
        expect(onNodeOk(node, "apt-mark showhold")).toContain("nvidia-container-toolkit\n");
        expect(onNodeOk(node, "head -c 40 /etc/docker/seccomp.json")).toContain("SCMP_ACT_ERRNO");
        expect(onNodeOk(node, "grep '^accept-nvidia-visible-devices-envvar-when-unprivileged' /etc/nvidia-container-runtime/config.toml").trim()).toBe("accept-nvidia-visible-devices-envvar-when-unprivileged = false");
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout).toBe(0);
        expect(inspect("job")).toEqual(before);
    });

    it("downgrades to 1.17.7 and back to the default by one config value; config.toml follows the version", () => {
        pulumi("config", "set", "toolkitVersion", "1.17.7");
        const down = pulumi("up", "--yes", "--skip-preview");
        expect(down.status, down.stdout + down.stderr).toBe(0);
        expect(onNodeOk(node, "nvidia-ctk --version")).toContain("version 1.17.7");
        expect(onNodeOk(node, "dpkg-query -W -f '${Version}\\n' nvidia-container-toolkit nvidia-container-toolkit-base libnvidia-container-tools libnvidia-container1").trim().split("\n"))
            .toEqual(["1.17.7-1", "1.17.7-1", "1.17.7-1", "1.17.7-1"]);
        expect(onNodeOk(node, "grep '^disable-cuda-compat-lib-hook' /etc/nvidia-container-runtime/config.toml").trim()).toBe("disable-cuda-compat-lib-hook = true");

        pulumi("config", "rm", "toolkitVersion");
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "nvidia-ctk --version")).toContain(`version ${DEFAULT_TOOLKIT_VERSION}`);
        expect(onNodeOk(node, "grep '^disable-cuda-compat-lib-hook' /etc/nvidia-container-runtime/config.toml").trim()).toBe("disable-cuda-compat-lib-hook = false");
    });

    it("refuses a version the mirror does not have, naming the node and the version", () => {
        pulumi("config", "set", "toolkitVersion", "1.17.99");
        const up = pulumi("up", "--yes", "--skip-preview");
        pulumi("config", "rm", "toolkitVersion");
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toMatch(/node gnh-node-1: nothing was changed in the node's apt sources: the pinned packages could not be fetched and verified from http:\/\/gnh-mirror\/good\/stable\/deb\/amd64:\s+E: Version '1\.17\.99-1' for '[a-z0-9-]+' was not found/);
        expect(onNodeOk(node, "nvidia-ctk --version")).toContain(`version ${DEFAULT_TOOLKIT_VERSION}`);
    });

    it("rejects a daemon override that dockerd refuses, and leaves Docker running with the old file", () => {
        const file = onNodeOk(node, "sha256sum /etc/docker/daemon.json");
        pulumi("config", "set", "--path", "daemonOverrides.hosts[0]", "unix:///run/docker-extra.sock");
        const up = pulumi("up", "--yes", "--skip-preview");
        pulumi("config", "rm", "daemonOverrides");
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain("node gnh-node-1: dockerd --validate of the new daemon.json (with docker.service's flags) failed");
        expect(up.stdout + up.stderr).toContain("the following directives are specified both as a flag and in the configuration file: hosts");
        expect(onNodeOk(node, "sha256sum /etc/docker/daemon.json")).toBe(file);
        expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim()).toBe("true");
    });
});
