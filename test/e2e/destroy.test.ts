// `pulumi destroy` of the fleet program on one lab node (gnh-node-4, reset first, seeded with a
// user daemon.json): the default keeps the node hardened; onDestroy: restore puts the user's
// file back byte for byte with running containers kept alive; a restore whose Docker restart
// fails leaves Docker running the hardened file, and the destroy fails naming the node; a node
// that had no daemon.json has none again.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { uniqueStackName } from "../support/engine";
import { fleetCli, onNode, onNodeOk, onNodeWithInput, requireLab, resetNode, SLEEP_IMAGE_SCRIPT, writeLabFleet } from "../support/lab";

const node = "gnh-node-4";
const stack = uniqueStackName("e2e-destroy");
const pulumi = fleetCli(stack);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-destroy-"));
// The user's own file, formatted unlike ours (one line), so that "byte for byte" means something.
const SEED = '{"log-opts": {"max-size": "50m", "max-file": "3"}, "debug": false}\n';
const BREAK = "/etc/systemd/system/docker.service.d/gnh-test-break.conf";

function writeFleet(onDestroy: "keep" | "restore" | undefined, rename?: string): string {
    const file = writeLabFleet(path.join(workDir, `fleet-${onDestroy ?? "default"}${rename ? "-renamed" : ""}.yaml`), { nodes: [node] });
    const fleet = parse(fs.readFileSync(file, "utf8"));
    if (onDestroy !== undefined) {
        fleet.defaults = { ...fleet.defaults, onDestroy };
    }
    if (rename !== undefined) {
        fleet.nodes[0].name = rename;
    }
    fs.writeFileSync(file, stringify(fleet));
    return file;
}

const sha = (file: string) => onNodeOk(node, `sha256sum ${file} | cut -d' ' -f1`).trim();
const dockerActive = () => onNode(node, "systemctl is-active docker.service && docker version --format '{{.Server.Version}}'").status === 0;
const holds = () => onNodeOk(node, "apt-mark showhold").trim();
const exists = (file: string) => onNode(node, `test -e ${file}`).status === 0;
const job = () => onNodeOk(node, "docker inspect -f '{{.State.Running}} {{.State.Pid}} {{.State.StartedAt}}' job").trim();

beforeAll(() => {
    requireLab();
    resetNode(node);
    expect(onNodeWithInput(node, "cat > /etc/docker/daemon.json && systemctl restart docker.service", Buffer.from(SEED)).status).toBe(0);
    onNodeOk(node, SLEEP_IMAGE_SCRIPT);
    expect(pulumi("stack", "init").status).toBe(0);
});

afterAll(() => {
    onNode(node, `rm -f ${BREAK}; systemctl daemon-reload`);
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(workDir, { recursive: true, force: true });
    resetNode(node);
});

describe(`pulumi destroy (${node})`, () => {
    let hardened = "";

    it("by default keeps the node hardened and Docker running; releases the holds and forgets the record", () => {
        pulumi("config", "set", "fleetFile", writeFleet(undefined));
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        hardened = sha("/etc/docker/daemon.json");
        expect(onNodeOk(node, "cat /etc/docker/daemon.json")).toContain('"no-new-privileges": true');
        // the file as the user had it, recorded before our first write
        expect(onNodeOk(node, "cat /etc/docker/.gnh/daemon.original.json")).toBe(SEED);
        expect(holds()).not.toBe("");

        const destroy = pulumi("destroy", "--yes", "--skip-preview");
        expect(destroy.status, destroy.stdout + destroy.stderr).toBe(0);
        expect(dockerActive()).toBe(true);
        expect(sha("/etc/docker/daemon.json")).toBe(hardened);
        expect(exists("/etc/docker/seccomp.json")).toBe(true);
        expect(holds()).toBe("");
        expect(exists("/etc/docker/.gnh/daemon.last-applied.json")).toBe(false);
        expect(exists("/etc/docker/.gnh/daemon.original.json")).toBe(true); // a later restore still has it
        expect(onNodeOk(node, "dpkg-query -W -f '${Status}' nvidia-container-toolkit")).toContain("installed");
    });

    it("with onDestroy: restore, a failed Docker restart leaves Docker running the hardened file and fails naming the node", () => {
        pulumi("config", "set", "fleetFile", writeFleet("restore"));
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(sha("/etc/docker/daemon.json")).toBe(hardened);
        // A running job WITHOUT a restart policy: only live-restore keeps it through restarts.
        onNodeOk(node, "docker run -d --name job --restart=no gnh-sleep:1 /usr/bin/sleep 100000 >/dev/null");
        const running = job();
        expect(running.startsWith("true ")).toBe(true);
        // Docker refuses to start unless daemon.json is the hardened one (as rollout.test.ts breaks it).
        onNodeOk(node, [
            "mkdir -p /etc/systemd/system/docker.service.d",
            `printf '[Service]\\nExecStartPre=/bin/sh -c "grep -q no-new-privileges /etc/docker/daemon.json"\\n' > ${BREAK}`,
            "systemctl daemon-reload",
        ].join(" && "));

        const destroy = pulumi("destroy", "--yes", "--skip-preview");
        const text = destroy.stdout + destroy.stderr;
        expect(destroy.status, text).not.toBe(0);
        expect(text).toContain(`node ${node}: restoring daemon.json from before the first hardening (destroy with onDestroy: restore) failed, the previous daemon.json is restored and Docker runs again`);
        expect(dockerActive()).toBe(true);
        expect(sha("/etc/docker/daemon.json")).toBe(hardened);
        expect(onNodeOk(node, "docker info --format '{{json .SecurityOptions}}'")).toContain("no-new-privileges");
        expect(job()).toBe(running);
        expect(exists("/etc/docker/seccomp.json")).toBe(true);
        expect(holds()).not.toBe(""); // nothing else was destroyed
    });

    it("with onDestroy: restore, puts the user's daemon.json back byte for byte, keeps Docker and the job running, removes our files", () => {
        const running = job();
        onNodeOk(node, `rm -f ${BREAK} && systemctl daemon-reload && systemctl reset-failed docker.service docker.socket 2>/dev/null; true`);
        const destroy = pulumi("destroy", "--yes", "--skip-preview");
        expect(destroy.status, destroy.stdout + destroy.stderr).toBe(0);
        expect(onNodeOk(node, "base64 -w0 /etc/docker/daemon.json")).toBe(Buffer.from(SEED).toString("base64"));
        expect(dockerActive()).toBe(true);
        expect(job()).toBe(running);
        // Docker restarted on the user's file: the default seccomp profile, no no-new-privileges.
        const security = onNodeOk(node, "docker info --format '{{json .SecurityOptions}}'");
        expect(security).toContain("profile=builtin");
        expect(security).not.toContain("no-new-privileges");
        expect(exists("/etc/docker/seccomp.json")).toBe(false);
        expect(exists("/etc/docker/.gnh")).toBe(false);
        expect(holds()).toBe("");
    });

    it("with onDestroy: restore on a node that had no daemon.json, removes it and keeps Docker running", () => {
        resetNode(node);
        expect(exists("/etc/docker/daemon.json")).toBe(false);
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(exists("/etc/docker/.gnh/daemon.original.absent")).toBe(true);
        const destroy = pulumi("destroy", "--yes", "--skip-preview");
        expect(destroy.status, destroy.stdout + destroy.stderr).toBe(0);
        expect(exists("/etc/docker/daemon.json")).toBe(false);
        expect(dockerActive()).toBe(true);
        expect(exists("/etc/docker/seccomp.json")).toBe(false);
        expect(exists("/etc/docker/.gnh")).toBe(false);
    });

    it("renaming the node in the fleet file (a replacement) leaves the node hardened, even with onDestroy: restore", () => {
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "cat /etc/docker/.gnh/owner").trim()).toBe(node);
        const hardenedNow = sha("/etc/docker/daemon.json");

        // same host, new name: the new resources are created first, the old ones deleted last
        pulumi("config", "set", "fleetFile", writeFleet("restore", `${node}-renamed`));
        const renamed = pulumi("up", "--yes", "--skip-preview");
        expect(renamed.status, renamed.stdout + renamed.stderr).toBe(0);
        expect(renamed.stdout).toMatch(/deleted/);
        expect(onNodeOk(node, "cat /etc/docker/.gnh/owner").trim()).toBe(`${node}-renamed`);
        expect(sha("/etc/docker/daemon.json")).toBe(hardenedNow);
        expect(exists("/etc/docker/.gnh/daemon.last-applied.json")).toBe(true);
        expect(exists("/etc/docker/seccomp.json")).toBe(true);
        expect(exists("/etc/audit/rules.d/gnh-docker.rules")).toBe(true);
        expect(holds()).not.toBe("");
        expect(dockerActive()).toBe(true);
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });
});
