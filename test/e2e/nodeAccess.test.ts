// Nodes reached the way real fleets reach them (issue #20), on the lab's access nodes (each reset
// first and last): gnh-sudo (sshd refuses root; user gnh has passwordless sudo), gnh-cert (host
// certificate from the lab CA, root by user certificate only) and gnh-jumped (no published port,
// behind gnh-bastion). The fleet program hardens each, the audit audits each, and the docker
// provider's ssh reaches each; a wrong CA, a bastion with a wrong host key, a user without sudo and
// a platform we have not proven each fail clearly with the node untouched.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { writeKnownHosts } from "../../components/gpuContainer";
import { dockerProviderInputs } from "../../lib/containerAdapters";
import { FleetNode, parseFleet } from "../../lib/fleet";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, onNodeOk, requireLab, resetNode } from "../support/lab";

const nodes = ["gnh-sudo", "gnh-cert", "gnh-jumped"] as const;
const stack = uniqueStackName("e2e-access");
const pulumi = fleetCli(stack);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-access-e2e-"));

/** What a run could have changed on a node: our files, the apt sources and the installed packages. */
const footprint = (node: string) => onNodeOk(node, "find /etc/docker /etc/apt/sources.list.d /usr/share/keyrings /run/lock -type f 2>/dev/null | sort | xargs -r sha256sum; dpkg-query -W | sha256sum");

/** The lab's fleet file with one node's entry (or its bastion) changed, written to the work dir. */
function fleetWith(node: string, change: (entry: Record<string, unknown>) => void): string {
    const fleet = parse(fs.readFileSync(fleetFile, "utf8"));
    const entry = fleet.nodes.find((n: { name: string }) => n.name === node);
    change(entry);
    const file = path.join(work, `fleet-${node}-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, stringify(fleet));
    return file;
}

function upOnly(node: string, fleet = fleetFile) {
    pulumi("config", "set", "fleetFile", fleet);
    pulumi("config", "set", "--path", "nodes[0]", node);
    return pulumi("up", "--yes", "--skip-preview");
}

beforeAll(() => {
    requireLab();
    for (const node of nodes) {
        resetNode(node);
    }
    expect(pulumi("stack", "init").status).toBe(0);
}, 600_000);

afterAll(() => {
    pulumi("destroy", "--yes", "--skip-preview");
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(work, { recursive: true, force: true });
    for (const node of nodes) {
        resetNode(node);
    }
}, 600_000);

describe("each error case fails clearly and leaves the node untouched", () => {
    it("a host certificate checked against another CA", () => {
        const otherCa = path.join(work, "other_ca");
        spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherCa]);
        const ca = fs.readFileSync(`${otherCa}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
        const before = footprint("gnh-cert");
        const up = upOnly("gnh-cert", fleetWith("gnh-cert", (n) => { n.hostCertificateAuthority = ca; }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toMatch(/node gnh-cert \(127\.0\.0\.1:22298\) presents no host certificate signed by the CA the fleet file \([^)]+\) pins \(ssh-ed25519 SHA256:[^)]+\) for this address/);
        expect(footprint("gnh-cert")).toBe(before);
    });

    it("a bastion that does not present the host key the fleet file pins for it", () => {
        const other = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).nodes.find((n) => n.name === "gnh-sudo")!.hostKey!;
        const before = footprint("gnh-jumped");
        const up = upOnly("gnh-jumped", fleetWith("gnh-jumped", (n) => { (n.bastion as Record<string, unknown>).hostKey = other; }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toMatch(/node gnh-jumped: its bastion root@127\.0\.0\.1:22290 (presents host key|does not present the host key)[^\n]*; nothing was run on the node/);
        expect(footprint("gnh-jumped")).toBe(before);
    });

    it("a user without sudo rights", () => {
        const before = footprint("gnh-sudo");
        const up = upOnly("gnh-sudo", fleetWith("gnh-sudo", (n) => { n.user = "nosudo"; }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain("node gnh-sudo: user nosudo cannot run commands as root with sudo -n (sudo: a password is required): give nosudo passwordless sudo (NOPASSWD), or connect as root; nothing was run on the node");
        expect(footprint("gnh-sudo")).toBe(before);
    });

    it("a platform we have not proven (the node says it is Ubuntu 24.04)", () => {
        onNodeOk("gnh-sudo", "cp /etc/os-release /opt/os-release.lab && printf 'ID=ubuntu\\nVERSION_ID=\"24.04\"\\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\\n' > /etc/os-release.gnh && rm /etc/os-release && mv /etc/os-release.gnh /etc/os-release");
        try {
            const before = footprint("gnh-sudo");
            const up = upOnly("gnh-sudo");
            expect(up.status).not.toBe(0);
            expect(up.stdout + up.stderr).toMatch(/node gnh-sudo: the platform Ubuntu 24\.04\.1 LTS \(ID=ubuntu, VERSION_ID=24\.04; package manager apt-get; containerd [^;]*docker\.io [^)]*\) is not one we have proven: ubuntu is not supported\. Supported: Debian 12, 13 with apt, docker\.io and containerd \(see docs\/platforms\.md\)\. Nothing on the node was changed/);
            // the lock file is the one thing a run writes before it reads the platform
            expect(footprint("gnh-sudo").replace(/^.*gnh-apply\.lock.*\n/gm, "")).toBe(before.replace(/^.*gnh-apply\.lock.*\n/gm, ""));
        } finally {
            onNodeOk("gnh-sudo", "rm -f /etc/os-release && mv /opt/os-release.lab /etc/os-release");
        }
    });
});

describe("the fleet program, the audit and the docker provider reach each node", () => {
    it.each(nodes)("pulumi up hardens %s, files owned by root", (node) => {
        const up = upOnly(node);
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}} {{json .SecurityOptions}}'")).toMatch(/^true .*no-new-privileges/);
        expect(onNodeOk(node, "stat -c '%U:%G' /etc/docker/daemon.json /etc/docker/seccomp.json").trim().split("\n")).toEqual(["root:root", "root:root"]);
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    });

    it("the audit audits all three", () => {
        const result = spawnSync("npm", ["run", "--silent", "audit", "--", "--fleet", fleetFile, "--node", nodes.join(","), "--format", "json"],
            { cwd: projectRoot, encoding: "utf8", timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
        const report = JSON.parse(result.stdout) as { nodes: { node: string; status: string; error?: string }[] };
        expect(report.nodes.map((n) => `${n.node} ${n.status} ${n.error ?? ""}`.trim()).sort()).toEqual(nodes.map((n) => `${n} audited`).sort());
    });

    it.each(nodes)("the docker provider's ssh reaches %s (its user, certificate and bastion)", (node) => {
        const fleetNode: FleetNode = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile).nodes.find((n) => n.name === node)!;
        const knownHostsFile = path.join(work, `known_hosts-${node}`);
        writeKnownHosts(knownHostsFile, [fleetNode]);
        // what docker's ssh connection helper runs: ssh <sshOpts> -l USER -p PORT -- HOST docker ...
        const { sshOpts } = dockerProviderInputs({ ...fleetNode, knownHostsFile });
        const ran = spawnSync("ssh", [...sshOpts, "-l", fleetNode.user, "-p", String(fleetNode.port), "--", fleetNode.host, "docker", "version", "--format", "{{.Server.Version}}"],
            { encoding: "utf8", timeout: 60_000 });
        expect(ran.status, ran.stderr).toBe(0);
        expect(ran.stdout.trim()).toMatch(/^\d+\./);
    });

    it("gnh-sudo refuses root over SSH, and gnh-jumped publishes no port", () => {
        const root = spawnSync("ssh", ["-F", path.join(projectRoot, ".lab", "ssh_config"), "-l", "root", "gnh-sudo", "true"], { encoding: "utf8", timeout: 30_000 });
        expect(root.status).toBe(255);
        expect(root.stderr).toMatch(/Permission denied/);
        const ports = spawnSync("docker", ["port", "gnh-jumped"], { encoding: "utf8" });
        expect(ports.stdout.trim()).toBe("");
    });
});
