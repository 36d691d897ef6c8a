// The toolkit advisory data on the lab (one node of its own for the duration, gnh-node-4, reset
// before and after): a node created on 1.17.8 is refused at preview (CVE-2026-24260, fixed in
// 1.19.1) unless a waiver covers it; the audit fails a node left on it; changing a pin to 1.18.2 is
// refused; leaving the pin alone is only advice; one `up` moves the node to the default, 1.20.2:
// all four packages, holds, config.toml carried over, the CDI refresh units enabled, a running
// container untouched.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TOOLKIT_VERSION, TOOLKIT_PACKAGES } from "../../lib/toolkitConfig";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, labPackConfigFile, nodeStackWithOwnFleet, onNode, onNodeOk, releaseNodeStack, SLEEP_IMAGE_SCRIPT } from "../support/lab";
import { runScript, transcript } from "../support/run";

const node = "gnh-node-4";
const stack = uniqueStackName("e2e-advisories");
const pulumi = fleetCli(stack);
const policies = path.join(projectRoot, "policies");
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-advisories-"));
const fleet = path.join(workDir, "fleet.yaml");
const waiverConfig = path.join(workDir, "waiver.json");
const CVE_AND_FIX = /GNH-TOOLKIT-ADVISORIES: toolkit 1\.1[78]\.\d is affected by CVE-2026-24260 \(high 8\.5, NVIDIA-5850: fixed in 1\.19\.1/;

function auditNode(): { status: number; findings: { ruleId: string; status: string; message: string }[]; stdout: string } {
    const r = runScript(`node audit/bin/gnh-audit.js --fleet ${fleet} --format json`, { cwd: projectRoot, timeoutMs: 180_000 });
    const report = JSON.parse(r.stdout) as { nodes: { findings: { ruleId: string; status: string; message: string }[] }[] };
    return { status: r.code, findings: report.nodes[0].findings, stdout: r.stdout };
}
const advisoryFinding = () => auditNode().findings.find((f) => f.ruleId === "GNH-TOOLKIT-ADVISORIES")!;
const installed = () => onNodeOk(node, `dpkg-query -W -f '\${Version}\\n' ${TOOLKIT_PACKAGES.join(" ")}`).trim().split("\n");

beforeAll(() => {
    nodeStackWithOwnFleet(pulumi, node, workDir);
    onNodeOk(node, SLEEP_IMAGE_SCRIPT);
    // on top of the lab's pack configuration, which trusts the lab mirror's key
    fs.writeFileSync(waiverConfig, JSON.stringify({
        ...JSON.parse(fs.readFileSync(labPackConfigFile, "utf8")),
        "GNH-WAIVERS": { waivers: [{ rule: "GNH-TOOLKIT-ADVISORIES", resource: `${node}-toolkit`, owner: "gpu-platform@example.com", reason: "driver qualification of 1.20 until CHG-7", expires: "2099-12-31" }] },
    }));
});

afterAll(() => {
    releaseNodeStack(pulumi, node, workDir);
});

describe(`toolkit advisories on ${node}`, () => {
    it("refuses a new node on 1.17.8 at preview, naming CVE-2026-24260 and 1.19.1", () => {
        pulumi("config", "set", "toolkitVersion", "1.17.8");
        const preview = pulumi("preview", "--policy-pack", policies, "--policy-pack-config", labPackConfigFile);
        expect(preview.status).not.toBe(0);
        expect(transcript(preview)).toMatch(CVE_AND_FIX);
        expect(transcript(preview)).toContain(`node ${node}: GNH-TOOLKIT-ADVISORIES`);
    });

    it("creates it under a waiver, reported as such; the audit fails the node", () => {
        const up = pulumi("up", "--yes", "--skip-preview", "--policy-pack", policies, "--policy-pack-config", waiverConfig);
        expect(up.status, transcript(up)).toBe(0);
        expect(transcript(up)).toContain("GNH-TOOLKIT-ADVISORIES: WAIVED until 2099-12-31 by gpu-platform@example.com");
        expect(installed()).toEqual(["1.17.8-1", "1.17.8-1", "1.17.8-1", "1.17.8-1"]);
        const finding = advisoryFinding();
        expect(finding.status).toBe("fail");
        expect(finding.message).toContain("CVE-2026-24260 (high 8.5, NVIDIA-5850: fixed in 1.19.1, no fix on the 1.17 or 1.18 line");
    });

    it("only advises at preview while the pin stays (drift repair is never blocked), and refuses a change to 1.18.2", () => {
        const standing = pulumi("preview", "--refresh", "--policy-pack", policies, "--policy-pack-config", labPackConfigFile);
        expect(standing.status, transcript(standing)).toBe(0);
        expect(transcript(standing)).toContain("this run does not change it: advice at preview, a failure in the audit");
        pulumi("config", "set", "toolkitVersion", "1.18.2");
        const changed = pulumi("preview", "--policy-pack", policies, "--policy-pack-config", labPackConfigFile);
        expect(changed.status).not.toBe(0);
        expect(transcript(changed)).toMatch(/toolkit 1\.18\.2 is affected by CVE-2026-24260 \(high 8\.5, NVIDIA-5850: fixed in 1\.19\.1/);
    });

    it(`moves to ${DEFAULT_TOOLKIT_VERSION} with one up: four packages held, config.toml carried over, CDI refresh units enabled, the running container untouched`, () => {
        onNodeOk(node, "nvidia-ctk config --config-file=/etc/nvidia-container-runtime/config.toml --in-place --set nvidia-container-cli.debug=/var/log/gnh-kept.log");
        onNodeOk(node, "docker run -d --name job --restart=no gnh-sleep:1 /usr/bin/sleep 3600 >/dev/null");
        const job = () => onNodeOk(node, "docker inspect -f '{{.State.Running}} {{.State.Pid}} {{.State.StartedAt}}' job").trim();
        const before = job();
        pulumi("config", "rm", "toolkitVersion");
        const up = pulumi("up", "--yes", "--skip-preview", "--refresh", "--policy-pack", policies, "--policy-pack-config", labPackConfigFile);
        expect(up.status, transcript(up)).toBe(0);
        expect(installed()).toEqual(Array(4).fill(`${DEFAULT_TOOLKIT_VERSION}-1`));
        expect(onNodeOk(node, "apt-mark showhold").trim().split("\n").sort()).toEqual([...TOOLKIT_PACKAGES].sort());
        expect(onNodeOk(node, "nvidia-ctk --version")).toContain(`version ${DEFAULT_TOOLKIT_VERSION}`);
        const config = onNodeOk(node, "cat /etc/nvidia-container-runtime/config.toml");
        expect(config).toContain('debug = "/var/log/gnh-kept.log"');
        expect(config).toMatch(/^accept-nvidia-visible-devices-envvar-when-unprivileged = false$/m);
        expect(onNode(node, "systemctl is-enabled nvidia-cdi-refresh.path").stdout.trim()).toBe("enabled");
        expect(job()).toBe(before);
        expect(advisoryFinding()).toMatchObject({ status: "pass" });
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes", "--policy-pack", policies, "--policy-pack-config", labPackConfigFile);
        expect(quiet.status, transcript(quiet)).toBe(0);
    });
});
