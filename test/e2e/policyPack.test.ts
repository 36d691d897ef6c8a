// The policy pack in a REAL preview: the engine runs policies/ through our language host and
// judges the inputs of gnh:host:DockerDaemonConfig resources that HardenedDockerDaemon creates.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot, uniqueStackName } from "../support/engine";

const programDir = path.join(projectRoot, "test", "fixtures", "policy-preview");
const stack = uniqueStackName("policy-preview");

function pulumi(...args: string[]) {
    return spawnSync("npm", ["run", "--silent", "pulumi", "--", ...args, "--stack", stack, "--cwd", programDir, "--non-interactive"],
        { encoding: "utf8" });
}

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
});

describe("CrossGuard pack over the rule catalog", () => {
    it("passes the hardened defaults", () => {
        expect(pulumi("stack", "init").status).toBe(0);
        const preview = pulumi("preview", "--policy-pack", path.join(projectRoot, "policies"));
        expect(preview.status, preview.stdout + preview.stderr).toBe(0);
        expect(preview.stdout).toContain("gpu-node-hardening");
        expect(preview.stdout).not.toContain("[mandatory]");
        // userns-remap is opt-in on GPU hosts: reported, as advice only
        expect(preview.stdout).toContain("[advisory] [severity: low]  GNH-DAEMON-USERNS-REMAP");
    });

    it("blocks a weakened daemon with the rule id, the reason and the fix", () => {
        expect(pulumi("config", "set", "--path", "overrides.icc", "true").status).toBe(0);
        expect(pulumi("config", "set", "--path", "overrides.seccomp-profile", "unconfined").status).toBe(0);
        const preview = pulumi("preview", "--policy-pack", path.join(projectRoot, "policies"));
        const text = preview.stdout + preview.stderr;
        expect(preview.status).not.toBe(0);
        expect(text).toContain('GNH-DAEMON-ICC: daemon.json "icc" is true; it must be false');
        expect(text).toContain("Fix: Set \"icc\": false");
        expect(text).toContain('GNH-DAEMON-SECCOMP-PROFILE: daemon.json "seccomp-profile" is "unconfined"');
        expect(text).toMatch(/\[mandatory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
    });
});
