// daemon.json over several `up`s of the fleet program, the CIS 1.1.x audit rules and the CIS
// section 3 modes, on one lab node of this file's own (gnh-node-5), reset first and last:
// - a daemonOverride set in one up and dropped from configuration is removed from the node;
// - a key the user added on the node in between survives;
// - the audit rules file is written root:root 0640 with valid syntax, only for paths that exist,
//   and reported as written but not loaded (auditd cannot run in a lab container); the live
//   audit judges it, finds it loosened or cut, and `up --refresh` repairs it (and a loosened
//   /etc/default/docker, by clearing bits); with stand-ins for auditd's tools, the load path
//   (augenrules --load, auditctl -l) and its rollback run too;
// - issue #5's bad cases not covered elsewhere: a value dockerd --validate rejects, and a runtime
//   path that does not exist. (A `hosts` key clashing with docker.service's -H flag is in
//   gpuNode.test.ts; Docker failing to start and the rollback are in rollout.test.ts.)
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAuditRules } from "../../lib/auditRulesFile";
import { AUDIT_RULES_PATH } from "../../rules/auditRules";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, initNodeStack, onNode, onNodeOk, onNodeWithInput, requireLab, resetNode, upChanges } from "../support/lab";

const node = "gnh-node-5";
const stack = uniqueStackName("e2e-daemon-lifecycle");
const pulumi = fleetCli(stack);

const daemonJson = () => JSON.parse(onNodeOk(node, "cat /etc/docker/daemon.json")) as Record<string, unknown>;
const fileHash = () => onNodeOk(node, "sha256sum /etc/docker/daemon.json");
const dockerRuns = () => onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim() === "true";
const watchedPaths = () => parseAuditRules(onNodeOk(node, `cat ${AUDIT_RULES_PATH}`)).watches.map((w) => w.path);

interface Finding { ruleId: string; status: string; message: string }
function auditFindings(): Finding[] {
    const result = spawnSync("npm", ["run", "--silent", "audit", "--", "--fleet", fleetFile, "--node", node, "--format", "json"],
        { cwd: projectRoot, encoding: "utf8", timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(result.stdout) as { nodes: { node: string; status: string; findings: Finding[] }[] };
    expect(report.nodes[0]?.status, result.stderr).toBe("audited");
    return report.nodes[0].findings;
}
const finding = (findings: Finding[], ruleId: string) => findings.find((f) => f.ruleId === ruleId);

beforeAll(() => {
    requireLab();
    resetNode(node);
    expect(initNodeStack(pulumi, node)).toBe(true);
});

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    resetNode(node);
});

describe(`daemon.json across ups, audit rules and file modes (${node})`, () => {
    it("first up: applies a daemonOverride and writes the audit rules, root:root 640, valid, for existing real paths, not loaded", () => {
        pulumi("config", "set", "--path", "daemonOverrides.default-shm-size", "128M");
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(daemonJson()["default-shm-size"]).toBe("128M");

        expect(onNodeOk(node, `stat -c '%U:%G %a' ${AUDIT_RULES_PATH}`).trim()).toBe("root:root 640");
        const content = onNodeOk(node, `cat ${AUDIT_RULES_PATH}`);
        expect(parseAuditRules(content).problems).toEqual([]);
        expect(content.split("\n").filter((l) => l.startsWith("-")).every((l) => /^-w \/\S+ -p wa -k docker$/.test(l))).toBe(true);
        const paths = watchedPaths();
        // Debian: dockerd and runc live in /usr/sbin (/usr/bin/runc is a symlink), units in /usr/lib
        expect(paths).toEqual(expect.arrayContaining(["/usr/sbin/dockerd", "/usr/sbin/runc", "/usr/bin/containerd", "/run/containerd",
            "/var/lib/docker", "/etc/docker", "/etc/docker/daemon.json", "/usr/lib/systemd/system/docker.service", "/usr/lib/systemd/system/docker.socket"]));
        expect(paths).not.toContain("/usr/bin/dockerd");
        expect(paths).not.toContain("/usr/bin/runc");
        expect(paths).not.toContain("/etc/sysconfig/docker");
        expect(onNode(node, `for p in ${paths.join(" ")}; do test -e "$p" || { echo "$p"; exit 1; }; done`).status).toBe(0);
        // where auditctl exists, it must accept what we wrote (not in this lab image: see docs/lab.md)
        if (onNode(node, "command -v auditctl").status === 0) {
            expect(onNode(node, `systemctl is-active --quiet auditd && auditctl -l | grep -c -- '-k docker'`).status).toBe(0);
        }

        const state = JSON.parse(pulumi("stack", "export").stdout) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
        const audit = state.deployment.resources.find((r) => r.type === "gnh:host:AuditRules");
        expect(audit?.outputs).toMatchObject({ loaded: false, loadStatus: expect.stringContaining("written, not loaded: auditd is not running on this node") });
    });

    it("removes the managed key dropped from configuration, and keeps the key the user added on the node", () => {
        const edited = { ...daemonJson(), "max-concurrent-downloads": 5 };
        expect(onNodeWithInput(node, "cat > /etc/docker/daemon.json", Buffer.from(`${JSON.stringify(edited, null, 2)}\n`)).status).toBe(0);
        pulumi("config", "rm", "daemonOverrides");
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        const after = daemonJson();
        expect(after["default-shm-size"]).toBeUndefined();
        expect(after["max-concurrent-downloads"]).toBe(5);
        expect(after.icc).toBe(false);
        expect(JSON.parse(onNodeOk(node, "cat /etc/docker/.gnh/daemon.last-applied.json"))["default-shm-size"]).toBeUndefined();
        expect(dockerRuns()).toBe(true);
        // and the next up changes nothing: the audit rules and file modes are idempotent too
        const again = pulumi("up", "--yes", "--skip-preview", "--json");
        expect(again.status, again.stderr).toBe(0);
        expect(upChanges(again.stdout)).toEqual({ same: 12 });
    });

    it("the live audit judges the audit rules per CIS control and the file modes", () => {
        const findings = auditFindings();
        for (const id of ["GNH-AUDIT-DOCKERD", "GNH-AUDIT-RUNC", "GNH-AUDIT-DAEMON-JSON", "GNH-AUDIT-DOCKER-SERVICE", "GNH-AUDIT-RUN-CONTAINERD"]) {
            expect(finding(findings, id)?.status, id).toBe("pass");
        }
        expect(finding(findings, "GNH-AUDIT-SYSCONFIG-DOCKER")).toMatchObject({ status: "not-applicable", message: "/etc/sysconfig/docker does not exist on this node" });
        expect(finding(findings, "GNH-RUNTIME-FILE-PERMISSIONS")?.status).toBe("pass");
    });

    it("finds a loosened or cut rules file, a loosened /etc/default/docker and a setgid /etc/docker; up --refresh repairs them by bits", () => {
        onNodeOk(node, `chmod 666 ${AUDIT_RULES_PATH} && sed -i '\\|^-w /usr/sbin/runc |d' ${AUDIT_RULES_PATH} && chmod 646 /etc/default/docker && chmod 2755 /etc/docker`);
        const findings = auditFindings();
        expect(finding(findings, "GNH-AUDIT-RUNC")).toMatchObject({ status: "fail", message: expect.stringContaining("/usr/sbin/runc") });
        const modes = finding(findings, "GNH-RUNTIME-FILE-PERMISSIONS");
        expect(modes?.status).toBe("fail");
        expect(modes?.message).toContain(`${AUDIT_RULES_PATH} is root:root 666, expected root:root 640 or stricter`);
        expect(modes?.message).toContain("/etc/default/docker is root:root 646, expected root:root 644 or stricter");

        const drift = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(drift.status).not.toBe(0);
        const text = drift.stdout + drift.stderr;
        expect(text).toMatch(/gnh:host:AuditRules: \(update\)/);
        expect(text).toMatch(/gnh:host:FileModes: \(update\)/);
        expect(text).toContain("/etc/default/docker: root:root 646 -> root:root 644");

        const repair = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(repair.status, repair.stdout + repair.stderr).toBe(0);
        // a 3-digit chmod would keep the directory's setgid bit (GNU chmod): it must be gone
        expect(onNodeOk(node, `stat -c '%a' ${AUDIT_RULES_PATH} /etc/default/docker /etc/docker`).trim().split("\n")).toEqual(["640", "644", "755"]);
        expect(watchedPaths()).toContain("/usr/sbin/runc");
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });

    it("where auditd runs, loads the rules with augenrules --load and checks auditctl -l; a failed load restores the old file", () => {
        // auditd cannot run in a container: stand-ins that behave like the real tools' interface
        // (augenrules --load merges rules.d and loads it; auditctl -l lists what is loaded).
        onNodeOk(node, [
            "cat > /usr/sbin/augenrules <<'EOF'",
            "#!/bin/sh",
            '[ "$1" = --load ] || exit 1',
            "if [ -e /run/gnh-fake-augenrules-fails ]; then echo 'Error sending add rule data request (Invalid argument)' >&2; exit 1; fi",
            "cat /etc/audit/rules.d/*.rules > /run/gnh-fake-audit.rules",
            "if [ -e /run/gnh-fake-augenrules-duplicate ]; then echo 'Error sending add rule data request (Rule exists)' >&2; exit 1; fi",
            "EOF",
            "cat > /usr/sbin/auditctl <<'EOF'",
            "#!/bin/sh",
            'if [ "$1" = -s ]; then [ -e /run/gnh-fake-immutable ] && echo "enabled 2" || echo "enabled 1"; exit 0; fi',
            '[ "$1" = -l ] || exit 1',
            "if [ -s /run/gnh-fake-audit.rules ]; then grep '^-' /run/gnh-fake-audit.rules; else echo 'No rules'; fi",
            "EOF",
            "chmod 755 /usr/sbin/augenrules /usr/sbin/auditctl",
            "printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/auditd.service",
            "systemctl daemon-reload && systemctl start auditd && systemctl is-active auditd",
        ].join("\n"));
        // auditd now runs without our watches: refresh sees it, up loads them
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        const state = JSON.parse(pulumi("stack", "export").stdout) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
        expect(state.deployment.resources.find((r) => r.type === "gnh:host:AuditRules")?.outputs)
            .toMatchObject({ loaded: true, loadStatus: "loaded by augenrules --load (auditctl -l lists every watch)" });
        expect(onNodeOk(node, "auditctl -l")).toContain("-w /usr/sbin/dockerd -p wa -k docker");

        // a rewrite whose load fails: the previous file comes back, the error names the node
        onNodeOk(node, `touch /run/gnh-fake-augenrules-fails && chmod 600 ${AUDIT_RULES_PATH}`);
        const failed = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(failed.status).not.toBe(0);
        expect(failed.stdout + failed.stderr).toContain(`node ${node}: augenrules --load did not load the audit rules; the previous ${AUDIT_RULES_PATH} is restored: Error sending add rule data request (Invalid argument)`);
        expect(onNodeOk(node, `stat -c '%a' ${AUDIT_RULES_PATH}`).trim()).toBe("600");
        onNodeOk(node, "rm -f /run/gnh-fake-augenrules-fails");
        const repaired = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(repaired.status, repaired.stdout + repaired.stderr).toBe(0);
        expect(onNodeOk(node, `stat -c '%a' ${AUDIT_RULES_PATH}`).trim()).toBe("640");

        // another rules.d file already watching a path the same way: "Rule exists" is harmless
        // when every watch of ours is loaded
        onNodeOk(node, `touch /run/gnh-fake-augenrules-duplicate && chmod 600 ${AUDIT_RULES_PATH}`);
        const duplicate = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(duplicate.status, duplicate.stdout + duplicate.stderr).toBe(0);
        expect(onNodeOk(node, `stat -c '%a' ${AUDIT_RULES_PATH}`).trim()).toBe("640");
        onNodeOk(node, "rm -f /run/gnh-fake-augenrules-duplicate");

        // rules locked until reboot (-e 2, as CIS asks): unloaded watches are not drift that up could fix
        onNodeOk(node, "touch /run/gnh-fake-immutable && : > /run/gnh-fake-audit.rules");
        const locked = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(locked.status, locked.stdout + locked.stderr).toBe(0);
        onNodeOk(node, "rm -f /run/gnh-fake-immutable");
        onNodeOk(node, "systemctl stop auditd && rm -f /etc/systemd/system/auditd.service /usr/sbin/augenrules /usr/sbin/auditctl && systemctl daemon-reload");
    });

    it("refuses a daemon override that dockerd rejects, and changes nothing", () => {
        const before = fileHash();
        pulumi("config", "set", "--path", "daemonOverrides.default-shm-size", "lots");
        const up = pulumi("up", "--yes", "--skip-preview");
        pulumi("config", "rm", "daemonOverrides");
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain(`node ${node}: dockerd --validate of the new daemon.json (with docker.service's flags) failed`);
        expect(fileHash()).toBe(before);
        expect(dockerRuns()).toBe(true);
    });

    it("refuses a runtime whose path does not exist, and changes nothing", () => {
        const before = fileHash();
        pulumi("config", "set", "--path", "daemonOverrides.runtimes.nvidia.path", "/opt/gnh/no-such-runtime");
        const up = pulumi("up", "--yes", "--skip-preview");
        pulumi("config", "rm", "daemonOverrides");
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain('runtime "nvidia" path /opt/gnh/no-such-runtime does not exist or is not executable');
        expect(fileHash()).toBe(before);
        expect(dockerRuns()).toBe(true);
    });
});
