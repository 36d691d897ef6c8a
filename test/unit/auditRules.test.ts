// CIS 1.1.x audit rules without a node: the catalog entries, the path resolution script (run
// here on temporary files), rendering, the pure syntax check, the verdicts, and the provider's
// input checks and drift diff. Plus the CIS section 3 mode arithmetic (bits, never numbers).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AUDIT_PATHS_FUNCTION, auditPathSpec, parseAuditPaths } from "../../lib/auditPaths";
import { parseAuditRules, parseAuditRulesFiles, renderAuditRules } from "../../lib/auditRulesFile";
import { policiesFromCatalog } from "../../policies/catalogPolicies";
import { describeFix, modeAllowed, parseObserved, planModeFixes, tightenMode } from "../../lib/fileModes";
import * as auditRulesProvider from "../../provider/auditRules";
import * as fileModesProvider from "../../provider/fileModes";
import { AUDIT_RULES_PATH, AuditFacts, auditRules, plannedAuditFacts } from "../../rules/auditRules";
import { catalog } from "../../rules/catalog";
import { FILE_EXPECTATIONS } from "../../rules/liveRules";

const connection = {
    name: "gnh-node-5", host: "127.0.0.1", port: 22205, user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
};
const targets = auditRules.map((r) => ({ ruleId: r.id, sources: r.sources }));
const rule = (id: string) => auditRules.find((r) => r.id === id)!;

describe("the catalog's audit rules", () => {
    it("are CIS Docker 1.6 controls 1.1.3 to 1.1.18, one entry each, in the catalog once", () => {
        expect(auditRules.map((r) => r.controls[0].id)).toEqual(Array.from({ length: 16 }, (_, i) => `1.1.${i + 3}`));
        for (const r of auditRules) {
            expect(catalog.filter((c) => c.id === r.id)).toHaveLength(1);
            expect(r.rationale.length).toBeGreaterThan(20);
            expect(r.remediation).toContain(AUDIT_RULES_PATH);
        }
    });

    it("look for dockerd, containerd, the shims and runc as binaries on the node, and units where systemd says", () => {
        expect(rule("GNH-AUDIT-DOCKERD").sources).toEqual([{ binary: "dockerd" }]);
        expect(rule("GNH-AUDIT-RUNC").sources).toEqual([{ binary: "runc" }]);
        expect(rule("GNH-AUDIT-DOCKER-SERVICE").sources).toEqual([{ unit: "docker.service" }]);
    });
});

describe("path resolution on the node (the shell function, run here)", () => {
    it("keeps only existing paths, resolved through symlinks, without duplicates", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-audit-paths-"));
        try {
            fs.mkdirSync(path.join(dir, "sbin"));
            fs.writeFileSync(path.join(dir, "sbin", "runc"), "");
            fs.symlinkSync(path.join(dir, "sbin", "runc"), path.join(dir, "runc-link"));
            const spec = auditPathSpec([
                { ruleId: "A", sources: [{ path: path.join(dir, "runc-link") }, { path: path.join(dir, "sbin", "runc") }] },
                { ruleId: "B", sources: [{ path: path.join(dir, "missing") }, { unit: "gnh-no-such-unit.service" }] },
                { ruleId: "C", sources: [{ binary: "sh" }] },
            ]);
            const out = spawnSync("sh", ["-c", `${AUDIT_PATHS_FUNCTION}\ngnh_audit_paths "$1"`, "gnh", spec], { encoding: "utf8" });
            expect(out.status, out.stderr).toBe(0);
            const resolved = parseAuditPaths(out.stdout);
            expect(resolved.A).toEqual([fs.realpathSync(path.join(dir, "sbin", "runc"))]);
            expect(resolved.B).toBeUndefined();
            expect(resolved.C?.length).toBeGreaterThan(0);
            expect(resolved.C?.every((p) => p === fs.realpathSync(p))).toBe(true);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a spec value that is not a plain path or name", () => {
        expect(() => auditPathSpec([{ ruleId: "A", sources: [{ path: "/etc/x y" }] }])).toThrow('path "/etc/x y" is not a plain absolute path or name');
        expect(() => auditPathSpec([{ ruleId: "A", sources: [{ binary: "$(reboot)" }] }])).toThrow("is not a plain absolute path or name");
        expect(() => auditPathSpec([{ ruleId: "A", sources: [{ path: "etc/docker" }] }])).toThrow();
    });
});

describe("the rules file", () => {
    const resolved = {
        "GNH-AUDIT-DOCKERD": ["/usr/sbin/dockerd"],
        "GNH-AUDIT-ETC-DOCKER": ["/etc/docker"],
        "GNH-AUDIT-CONTAINERD-SOCK": ["/run/containerd/containerd.sock"],
        "GNH-AUDIT-RUNC": ["/usr/sbin/runc", "/opt/my dir/runc"],
        "GNH-AUDIT-CONTAINERD-SHIM": ["/usr/sbin/dockerd"], // the same path twice: one line only
    };

    it("has one -w PATH -p wa -k docker line per distinct existing path, and passes its own syntax check", () => {
        const rendered = renderAuditRules(auditRules.map((r) => r.id), resolved);
        const rules = rendered.content.split("\n").filter((l) => l.startsWith("-"));
        expect(rules).toEqual([
            "-w /usr/sbin/dockerd -p wa -k docker",
            "-w /etc/docker -p wa -k docker",
            "-w /run/containerd/containerd.sock -p wa -k docker",
            "-w /usr/sbin/runc -p wa -k docker",
        ]);
        expect(rendered.skipped).toEqual(['GNH-AUDIT-RUNC: "/opt/my dir/runc" contains whitespace and cannot be written as an auditd watch']);
        expect(rendered.watched).toContainEqual({ ruleId: "GNH-AUDIT-CONTAINERD-SHIM", path: "/usr/sbin/dockerd" });
        expect(parseAuditRules(rendered.content).problems).toEqual([]);
        expect(rendered.content.endsWith("\n")).toBe(true);
    });

    it("syntax check: accepts CIS's own forms and control lines, refuses what auditctl would", () => {
        const good = parseAuditRules([
            "-D", "-b 8192", "--backlog_wait_time 60000", "-f 1",
            "-w /usr/bin/dockerd -k docker",
            "-a exit,always -F path=/run/containerd -F perm=war -k docker",
            "-a always,exit -F arch=b64 -S execve -k exec",
            "## comment", "",
            "-e 2",
        ].join("\n"));
        expect(good.problems).toEqual([]);
        expect(good.watches).toEqual([
            { path: "/usr/bin/dockerd", perms: "rwxa", key: "docker" },
            { path: "/run/containerd", perms: "war", key: "docker" },
        ]);
        const bad = parseAuditRules(["-w etc/docker", "-w /etc/docker -p wz", "-w /etc/docker -p ww", "-w /etc/docker -k", "-x", "-a always,sometimes -S open", "-b lots", "-w /etc/docker -z x"].join("\n"), "f.rules");
        expect(bad.problems.map((p) => p.replace(/: [^:]*$/, ""))).toEqual([
            "f.rules:1: -w needs an absolute path",
            "f.rules:2: -p wz is not a permission filter of r, w, x, a",
            "f.rules:3: -p ww is not a permission filter of r, w, x, a",
            "f.rules:4: -k needs a value",
            "f.rules:5: unknown option -x",
            "f.rules:6: -a needs LIST,ACTION (for example always,exit)",
            "f.rules:7: -b takes one number",
            "f.rules:8: -z is not an option of a file watch",
        ]);
        expect(bad.watches).toEqual([]);
    });

    it("reads several files as the probe prints them, naming the file in problems", () => {
        const parsed = parseAuditRulesFiles("### /etc/audit/rules.d/a.rules\n-w /etc/docker -p wa\n### /etc/audit/audit.rules\n-w /x -p q\n");
        expect(parsed.files).toEqual(["/etc/audit/rules.d/a.rules", "/etc/audit/audit.rules"]);
        expect(parsed.watches).toEqual([{ path: "/etc/docker", perms: "wa", key: undefined }]);
        expect(parsed.problems).toEqual(["/etc/audit/audit.rules:1: -p q is not a permission filter of r, w, x, a: -w /x -p q"]);
    });
});

describe("verdicts", () => {
    const dockerd = rule("GNH-AUDIT-DOCKERD");
    const live = (facts: Partial<AuditFacts>): AuditFacts => ({ resolved: { "GNH-AUDIT-DOCKERD": ["/usr/sbin/dockerd"] }, watchesFrom: "files", ...facts });

    it("pass with a watch that filters writes and attribute changes (or everything)", () => {
        expect(dockerd.evaluate(live({ watches: [{ path: "/usr/sbin/dockerd", perms: "wa" }] })).status).toBe("pass");
        expect(dockerd.evaluate(live({ watches: [{ path: "/usr/sbin/dockerd", perms: "rwxa" }] })).status).toBe("pass");
    });

    it("fail without one, naming the path and where the watches came from", () => {
        expect(dockerd.evaluate(live({ watches: [{ path: "/usr/sbin/dockerd", perms: "w" }] })))
            .toEqual({ status: "fail", message: "no auditd watch with -p wa for /usr/sbin/dockerd in the audit rules files" });
        expect(dockerd.evaluate(live({ watches: [], watchesFrom: "loaded" })))
            .toEqual({ status: "fail", message: "no auditd watch with -p wa for /usr/sbin/dockerd in the loaded auditd rules (auditctl -l)" });
    });

    it("do not apply where the path does not exist on the node", () => {
        expect(rule("GNH-AUDIT-SYSCONFIG-DOCKER").evaluate(live({ watches: [] }))).toEqual({ status: "not-applicable", reason: "/etc/sysconfig/docker does not exist on this node" });
        expect(dockerd.evaluate({}).status).toBe("not-applicable");
    });

    it("are policies of the CrossGuard pack", () => {
        expect(policiesFromCatalog().map((p) => p.name)).toEqual(expect.arrayContaining(auditRules.map((r) => r.id)));
    });

    it("in preview, judge which controls the AuditRules resource will watch", () => {
        expect(dockerd.evaluate(plannedAuditFacts({ targets }))).toEqual({ status: "pass" });
        const without = plannedAuditFacts({ targets: targets.filter((t) => t.ruleId !== "GNH-AUDIT-DOCKERD") });
        expect(dockerd.evaluate(without)).toEqual({ status: "fail", message: "the audit rules resource does not watch the Docker daemon binary (CIS 1.1.3)" });
    });
});

describe("the AuditRules resource's inputs and diff", () => {
    const inputs = { connection, path: AUDIT_RULES_PATH, targets, owner: "root", group: "root", mode: "0640" };
    const outputs = { ...inputs, content: "", sha256: "", resolved: {}, loaded: false, loadStatus: "", notes: [], drift: [] };

    it("accepts ours, refuses a file augenrules would not read and a bad mode", () => {
        expect(auditRulesProvider.check(inputs).failures).toEqual([]);
        const failures = auditRulesProvider.check({ ...inputs, path: "/etc/audit/gnh.conf", mode: "640x" }).failures!.map((f) => f.property);
        expect(failures).toEqual(["path", "mode"]);
    });

    it("changes nothing when in sync, and updates on drift found by refresh", () => {
        expect(auditRulesProvider.diff(outputs, inputs).changes).toBe(false);
        expect(auditRulesProvider.diff({ ...outputs, mode: "640" }, inputs).changes).toBe(false); // same bits
        expect(auditRulesProvider.diff({ ...outputs, drift: ["/etc/audit/rules.d/gnh-docker.rules is root:root 0666, not root:root 0640"] }, inputs))
            .toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });
});

describe("CIS section 3 modes are bits, not numbers", () => {
    it("606 is not within 644 (though smaller as a number); tightening clears only the extra bits", () => {
        expect(modeAllowed("606", "644")).toBe(false);
        expect(modeAllowed("600", "644")).toBe(true);
        expect(tightenMode("606", "644")).toBe("604");
        expect(tightenMode("4755", "755")).toBe("755");
        expect(tightenMode("700", "755")).toBe("700"); // stricter stays
        expect(() => tightenMode("64x", "644")).toThrow('"64x" is not an octal mode');
    });

    it("plans chown and chmod only for existing files outside their expectation", () => {
        const observed = parseObserved("/etc/docker root root 775\n/etc/default/docker root docker 640\n/etc/docker/daemon.json -\n/lib/systemd/system/docker.service L\n");
        expect(observed[3]).toEqual({ path: "/lib/systemd/system/docker.service", state: "symlink" });
        const fixes = planModeFixes(FILE_EXPECTATIONS.filter((e) => e.enforced), observed);
        expect(fixes.map(describeFix)).toEqual([
            "/etc/docker: root:root 775 -> root:root 755",
            "/etc/default/docker: root:docker 640 -> root:root 640",
        ]);
    });

    it("the audit rules file is expected root:root 640, and the enforced list is the one the audit judges", () => {
        expect(FILE_EXPECTATIONS.find((e) => e.paths.includes(AUDIT_RULES_PATH))).toMatchObject({ owner: "root", group: "root", mode: "640" });
        expect(FILE_EXPECTATIONS.filter((e) => e.enforced).flatMap((e) => e.paths)).toEqual(expect.arrayContaining(["/etc/docker", "/etc/docker/daemon.json", "/etc/default/docker"]));
    });

    it("the FileModes resource refuses paths with spaces and bad modes, and updates on drift", () => {
        const files = [{ paths: ["/etc/docker"], owner: "root", group: "root", mode: "755" }];
        expect(fileModesProvider.check({ connection, files }).failures).toEqual([]);
        expect(fileModesProvider.check({ connection, files: [{ ...files[0], paths: ["/etc/a b"], mode: "9" }] }).failures).toHaveLength(2);
        const outs = { connection, files, observed: [], fixed: [], drift: [] };
        expect(fileModesProvider.diff(outs, { connection, files }).changes).toBe(false);
        expect(fileModesProvider.diff({ ...outs, drift: ["/etc/docker: root:root 775 -> root:root 755"] }, { connection, files }).changes).toBe(true);
    });
});
