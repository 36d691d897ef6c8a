// Upgrade safety: a stack deployed by the previous release (the commit "Release v0.1.0", run from
// a git worktree with its own program and provider) is taken over by this checkout's program:
// `up` changes on the host exactly what changed on purpose since the release, listed below, and
// nothing else (renamed resources need aliases); a second preview is quiet.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, initNodeStack, onNodeOk, requireLab, resetNode, upChanges, writeLabFleet } from "../support/lab";

const RELEASE_SUBJECT = "Release v0.1.0";
const node = "gnh-node-1";
const stack = uniqueStackName("e2e-upgrade");
const worktree = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gnh-release-")), "release");
const current = fleetCli(stack);
/**
 * Updates on purpose since the release: daemon.json gains "features": {"cdi": true} (GNH-DAEMON-CDI,
 * a restart), and every connection records the fleet file it came from (state only: refresh and
 * destroy then reach the node as the fleet file says). The toolkit pin is kept at the release's
 * default by stack config here; moving a fleet to the new default is toolkitAdvisories.test.ts.
 */
const UPDATED_SINCE_RELEASE = ["gnh:host:DockerDaemonConfig", "gnh:host:File", "gnh:host:NvidiaToolkit"];
const RELEASE_TOOLKIT = "1.17.8";
/** Resource types GpuNode gained since the release: CIS 1.1.x audit rules and CIS 3.x file modes. */
const NEW_SINCE_RELEASE = ["gpu-node-hardening:index:DockerAuditRules", "gnh:host:AuditRules", "gpu-node-hardening:index:CisFileModes", "gnh:host:FileModes"];

function releaseCli(...args: string[]) {
    // The release's own program and provider, in this checkout's offline environment and backend.
    return spawnSync("bash", [path.join(projectRoot, "scripts", "pulumi-env.sh"), ...args, "--stack", stack, "--cwd", worktree, "--non-interactive"],
        { encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
}

beforeAll(() => {
    requireLab();
    const commit = execFileSync("git", ["-C", projectRoot, "log", "--format=%H", "-1", `--grep=^${RELEASE_SUBJECT}$`], { encoding: "utf8" }).trim();
    expect(commit, `no commit "${RELEASE_SUBJECT}" in this clone's history`).toMatch(/^[0-9a-f]{40}$/);
    execFileSync("git", ["-C", projectRoot, "worktree", "add", "--detach", worktree, commit], { stdio: "ignore" });
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(worktree, "node_modules"));
    resetNode(node);
    expect(initNodeStack(current, node)).toBe(true);
    // a fleet file of this node alone: the lab's also names nodes the release's parser predates
    // (hostCertificateAuthority, bastion), and a release must not be judged on entries it never hardens
    current("config", "set", "fleetFile", writeLabFleet(path.join(os.tmpdir(), `gnh-upgrade-fleet-${process.pid}.yaml`), { nodes: [node] }));
    current("config", "set", "toolkitVersion", RELEASE_TOOLKIT);
    // Stack config lives beside the program: the release's copy of the project gets the same file.
    fs.copyFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), path.join(worktree, `Pulumi.${stack}.yaml`));
});

afterAll(() => {
    current("stack", "rm", "--yes", "--force");
    spawnSync("git", ["-C", projectRoot, "worktree", "remove", "--force", worktree]);
    resetNode(node);
});

describe("upgrade from the previous release", () => {
    it("deploys with the release, then changes nothing with this checkout", () => {
        const old = releaseCli("up", "--yes", "--skip-preview");
        expect(old.status, old.stdout + old.stderr).toBe(0);
        const files = onNodeOk(node, "sha256sum /etc/docker/seccomp.json /etc/nvidia-container-runtime/config.toml /etc/apt/sources.list.d/nvidia-container-toolkit.list");
        const daemonBefore = JSON.parse(onNodeOk(node, "cat /etc/docker/daemon.json")) as Record<string, unknown>;

        // Resources added since the release are created; the updates are the listed ones.
        const preview = current("preview", "--json");
        expect(preview.status, preview.stdout + preview.stderr).toBe(0);
        const steps = (JSON.parse(preview.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
        const typeOf = (urn: string) => (urn.split("::")[2] ?? "").split("$").pop();
        expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${typeOf(s.urn)}`).sort())
            .toEqual([...NEW_SINCE_RELEASE.map((t) => `create ${t}`), ...UPDATED_SINCE_RELEASE.map((t) => `update ${t}`)].sort());
        const up = current("up", "--yes", "--skip-preview", "--json");
        expect(up.status, up.stderr).toBe(0);
        const changes = upChanges(up.stdout) ?? {};
        expect(Object.keys(changes).filter((op) => !["same", "create", "update"].includes(op)), JSON.stringify(changes)).toEqual([]);
        expect(changes.create ?? 0, JSON.stringify(changes)).toBe(NEW_SINCE_RELEASE.length);
        expect(changes.update ?? 0, JSON.stringify(changes)).toBe(UPDATED_SINCE_RELEASE.length);
        const again = current("preview", "--expect-no-changes");
        expect(again.status, again.stdout + again.stderr).toBe(0);
        // on the host: daemon.json gained exactly the CDI feature; nothing else changed
        expect(JSON.parse(onNodeOk(node, "cat /etc/docker/daemon.json"))).toEqual({ ...daemonBefore, features: { cdi: true } });
        expect(onNodeOk(node, "sha256sum /etc/docker/seccomp.json /etc/nvidia-container-runtime/config.toml /etc/apt/sources.list.d/nvidia-container-toolkit.list")).toBe(files);
        expect(onNodeOk(node, "nvidia-ctk --version")).toContain(`version ${RELEASE_TOOLKIT}`);
    });
});
