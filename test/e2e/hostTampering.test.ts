// Issue #18 on a hardened node (gnh-node-4, reset at the end):
// 1. a systemd drop-in we did not write opens the Docker API on TCP without TLS. daemon.json is
//    untouched, so a rule that reads only daemon.json sees nothing; the audit, `preview --refresh`
//    and `up` judge dockerd's real command line instead. The audit and the refresh name the node
//    and the drop-in; up refuses, changes nothing and does not restart Docker; once the drop-in is
//    gone, the refresh is quiet again.
// 2. an option that turns apt's signature checks off is added to the list file we wrote: the audit
//    and the refresh name the file, and up --refresh writes our line back.
// 4. daemon.json gives "icc" twice, the last one true: the audit names the duplicate (and icc), the
//    refresh shows icc drifted (dockerd keeps the last), and up --refresh writes it once, false,
//    keeping the file's stricter mode (600) and leaving no candidate file behind.
// 5. daemon.json is right on disk but not in force (as after an apply cut off between its write and
//    its signal): the refresh reports it, and up --refresh puts it in force without writing.
// 3. config.toml points ldconfig into the container (no "@") with a quoted key, a TOML spelling a
//    line-by-line reader skips (it then judged NVIDIA's safe default): the audit and the refresh
//    read it as TOML, and up --refresh sets it back.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, hardenFreshNode, onNodeOk, resetNode } from "../support/lab";

const node = "gnh-node-4";
const pulumi = fleetCli(uniqueStackName("tamper-e2e"));
const DROP_IN = "/etc/systemd/system/docker.service.d/zz-tcp.conf";
const dockerdPid = () => onNodeOk(node, "pidof -s dockerd").trim();
/** The live audit of the node, limited to these rules. */
const auditOnly = (...ruleIds: string[]) =>
    spawnSync("npm", ["run", "--silent", "audit", "--", "--fleet", fleetFile, "--node", node, "--include", ruleIds.join(",")], { cwd: projectRoot, encoding: "utf8", timeout: 180_000 });
const daemonJsonHash = () => onNodeOk(node, "sha256sum /etc/docker/daemon.json").split(" ")[0];

beforeAll(() => {
    hardenFreshNode(pulumi, node);
    onNodeOk(node, [
        "mkdir -p /etc/systemd/system/docker.service.d",
        `printf '[Service]\\nExecStart=\\nExecStart=%s -H tcp://127.0.0.1:2375\\n' "$(systemctl show -p ExecStart --value docker | sed -n 's/.*argv\\[\\]=\\([^;]*\\) ;.*/\\1/p')" > ${DROP_IN}`,
        "systemctl daemon-reload && systemctl restart docker",
    ].join(" && "));
}, 600_000);

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    resetNode(node);
});

describe("a drop-in that opens the Docker API on TCP (gnh-node-4)", () => {
    it("is found by the audit, naming the drop-in", () => {
        const audit = auditOnly("GNH-RUNTIME-DOCKERD-ARGS");
        expect(audit.status, audit.stderr).toBe(1);
        expect(audit.stdout).toContain("listens on tcp://127.0.0.1:2375 without TLS verification");
        expect(audit.stdout).toContain(DROP_IN);
    });

    it("is drift in preview --refresh, naming the node and the drop-in", () => {
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0);
        const text = preview.stdout + preview.stderr;
        expect(text).toContain(`${node}-daemon-json`);
        expect(text).toContain("tcp://127.0.0.1:2375");
        expect(text).toContain(DROP_IN);
    });

    it("makes up refuse, naming node and drop-in, without writing daemon.json or restarting Docker", () => {
        const pid = dockerdPid();
        const hash = daemonJsonHash();
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status).not.toBe(0);
        const text = up.stdout + up.stderr;
        expect(text).toContain(`node ${node}`);
        expect(text).toContain("never edits unit files it did not write");
        expect(text).toContain(DROP_IN);
        expect(dockerdPid()).toBe(pid);
        expect(daemonJsonHash()).toBe(hash);
        expect(onNodeOk(node, `test -f ${DROP_IN} && echo kept`).trim()).toBe("kept");
    });

    it("is quiet again once the drop-in is gone", () => {
        onNodeOk(node, `rm -f ${DROP_IN} && systemctl daemon-reload && systemctl restart docker`);
        const preview = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(preview.status, preview.stdout + preview.stderr).toBe(0);
    });
});

describe("trusted=yes added to the apt list we wrote (gnh-node-4)", () => {
    const LIST = "/etc/apt/sources.list.d/nvidia-container-toolkit.list";

    beforeAll(() => {
        onNodeOk(node, `sed -i 's/^deb \\[signed-by=/deb [trusted=yes signed-by=/' ${LIST} && grep -q 'trusted=yes' ${LIST}`);
    });

    it("is found by the audit, naming the file", () => {
        const audit = auditOnly("GNH-APT-VERIFICATION");
        expect(audit.status, audit.stderr).toBe(1);
        expect(audit.stdout).toContain(`${LIST}: `);
        expect(audit.stdout).toContain("sets trusted=yes");
    });

    it("is drift in preview --refresh, naming the file", () => {
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0);
        const text = preview.stdout + preview.stderr;
        expect(text).toContain(`${node}-toolkit`);
        expect(text).toContain(`${LIST} now reads`);
    });

    it("is repaired by up --refresh: our line is back, and the next refresh is quiet", () => {
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, `cat ${LIST}`)).not.toContain("trusted");
        const preview = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(preview.status, preview.stdout + preview.stderr).toBe(0);
    });
});

describe("config.toml edited in another TOML spelling (gnh-node-4)", () => {
    const CONFIG = "/etc/nvidia-container-runtime/config.toml";

    beforeAll(() => {
        onNodeOk(node, `sed -i 's|^ldconfig = .*|"ldconfig" = "/sbin/ldconfig"|' ${CONFIG} && grep -q '^"ldconfig" = "/sbin/ldconfig"' ${CONFIG}`);
    });

    it("is found by the audit", () => {
        const audit = auditOnly("GNH-TOOLKIT-LDCONFIG");
        expect(audit.status, audit.stderr).toBe(1);
        expect(audit.stdout).toContain('config.toml nvidia-container-cli.ldconfig is "/sbin/ldconfig"; it must start with "@"');
    });

    it("is drift in preview --refresh, and up --refresh sets it back", () => {
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0);
        expect(preview.stdout + preview.stderr).toContain("/sbin/ldconfig");
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, `grep ldconfig ${CONFIG}`)).toContain("@/sbin/ldconfig");
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });
});

describe("config.toml that the toolkit itself refuses: a key given twice (gnh-node-4)", () => {
    const CONFIG = "/etc/nvidia-container-runtime/config.toml";

    beforeAll(() => {
        // a second top-level value for a key the file already has: TOML forbids it, the toolkit refuses the file
        onNodeOk(node, `cp ${CONFIG} /opt/config.toml.gnh && sed -i '1i accept-nvidia-visible-devices-envvar-when-unprivileged = false' ${CONFIG}`);
    });

    afterAll(() => {
        onNodeOk(node, `mv /opt/config.toml.gnh ${CONFIG}`);
    });

    it("fails the audit's toolkit rules with the toolkit's own message (nvidia-ctk config), never a pass", () => {
        const audit = auditOnly("GNH-TOOLKIT-ENVVAR-UNPRIVILEGED", "GNH-TOOLKIT-LDCONFIG");
        expect(audit.status, audit.stdout + audit.stderr).toBe(1);
        expect(audit.stdout).toMatch(/the toolkit cannot read config\.toml \(unable to create config: .*The following key was defined twice: accept-nvidia-visible-devices-envvar-when-unprivileged\): no setting/);
    });
});

describe("daemon.json with a key given twice (gnh-node-4)", () => {
    beforeAll(() => {
        // the first "icc" stays false, as a reader of the top of the file sees it; the last wins
        onNodeOk(node, `sed -i '$ s/}$/,"icc": true}/' /etc/docker/daemon.json && tail -c 40 /etc/docker/daemon.json | grep -q '"icc": true'`);
        // and the file is kept stricter than CIS asks: the repair must not widen it
        onNodeOk(node, "chmod 600 /etc/docker/daemon.json");
    });

    it("is found by the audit, naming the key", () => {
        const audit = auditOnly("GNH-DAEMON-JSON-UNAMBIGUOUS", "GNH-DAEMON-ICC");
        expect(audit.status, audit.stderr).toBe(1);
        expect(audit.stdout).toContain('daemon.json gives "icc" more than once; dockerd uses the last');
        expect(audit.stdout).toContain('daemon.json "icc" is true; it must be false');
    });

    it("is icc drift in preview --refresh; up --refresh writes the key once", () => {
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0);
        expect(preview.stdout + preview.stderr).toMatch(/icc\s*:\s*true\s*=>\s*false|icc\s*:\s*false/);
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "grep -o '\"icc\"' /etc/docker/daemon.json | wc -l").trim()).toBe("1");
        expect(onNodeOk(node, "stat -c %a /etc/docker/daemon.json").trim()).toBe("600");
        expect(onNodeOk(node, "ls /etc/docker/.gnh/")).not.toContain("daemon.candidate.json");
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });
});

describe("daemon.json right on disk but not in force (gnh-node-4)", () => {
    beforeAll(() => {
        // dockerd runs without live-restore, then the hardened file comes back with no signal
        onNodeOk(node, "cp -p /etc/docker/daemon.json /tmp/hardened.json && sed -i 's/\"live-restore\": true/\"live-restore\": false/' /etc/docker/daemon.json"
            + " && systemctl reload docker && sleep 2 && docker info --format '{{.LiveRestoreEnabled}}' | grep -q false && cp -p /tmp/hardened.json /etc/docker/daemon.json");
    });

    it("is drift in preview --refresh; up --refresh puts it in force without writing the file", () => {
        const hash = daemonJsonHash();
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0);
        expect(preview.stdout + preview.stderr).toContain("daemon.json is not in force: docker info does not show live-restore enabled");
        const up = pulumi("up", "--refresh", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim()).toBe("true");
        expect(daemonJsonHash()).toBe(hash);
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });
});
