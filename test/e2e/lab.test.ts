// End-to-end test of the local lab (lab/lab.sh): up, verified SSH into each node, a
// fresh-host Docker engine (live-restore off), idempotent up, reset, a stopped node in status,
// the brownfield node, and (opt-in, see below) down.
//
// Other e2e files share the lab, so this file leaves it up (a second `up` is cheap). Run
// e2e files one at a time (vitest.e2e.config.mts does): this file resets and stops nodes.
// `down` is proven by labDown.test.ts, which runs last and only when asked (it removes the lab).
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..", "..");
const labDir = path.join(root, ".lab");
const fleetFile = path.join(labDir, "fleet.yaml");
const knownHosts = path.join(labDir, "known_hosts");

interface Result {
    code: number;
    stdout: string;
    out: string; // stdout and stderr together
    ms: number;
}

function run(cmd: string, args: string[], timeoutMs = 600_000): Result {
    const start = Date.now();
    const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n[spawn error] ${r.error.message}` : ""}`;
    return { code: r.status ?? -1, stdout: r.stdout ?? "", out, ms: Date.now() - start };
}

const lab = (args: string[], timeoutMs?: number) => run("bash", ["lab/lab.sh", ...args], timeoutMs);

function mustLab(args: string[], timeoutMs?: number): Result {
    const r = lab(args, timeoutMs);
    if (r.code !== 0) throw new Error(`lab ${args.join(" ")} failed (${r.code}):\n${r.out}`);
    return r;
}

interface FleetNode {
    name: string;
    host: string;
    port: number;
    hostKey: string;
    labels: { variant: string };
}
interface Fleet {
    defaults: { user: string; privateKeyPath: string };
    mirror: { url: string; fingerprint?: string };
    registry: { host: string; caFile: string };
    nodes: FleetNode[];
}

const readFleet = (): Fleet => parse(fs.readFileSync(fleetFile, "utf8")) as Fleet;

// ssh the way a user does with the fleet file: the lab key, the recorded host key, strict checking.
function ssh(node: FleetNode, command: string, knownHostsFile = knownHosts, extra: string[] = []): Result {
    const fleet = readFleet();
    return run("ssh", [
        "-i", fleet.defaults.privateKeyPath,
        "-p", String(node.port),
        "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes",
        "-o", `UserKnownHostsFile=${knownHostsFile}`,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "ConnectTimeout=10",
        ...extra,
        `${fleet.defaults.user}@${node.host}`,
        command,
    ], 120_000);
}

function node(name: string): FleetNode {
    const n = readFleet().nodes.find((x) => x.name === name);
    if (!n) throw new Error(`node ${name} is not in ${fleetFile}`);
    return n;
}

// status lines: NAME PORT VARIANT STATE SSH
function status(): Map<string, { state: string; ssh: string }> {
    const r = mustLab(["status"]);
    const m = new Map<string, { state: string; ssh: string }>();
    for (const line of r.stdout.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length >= 5) m.set(f[0], { state: f[3], ssh: f[4] });
    }
    return m;
}

const containerId = (name: string) =>
    run("docker", ["inspect", "-f", "{{.Id}}", name]).stdout.trim();

beforeAll(() => {
    // A fresh lab gets 2 nodes; a lab that is already up keeps its size (`up` alone keeps N).
    // Other e2e files share the lab and may have hardened or damaged nodes: start from the
    // pristine image for the nodes this file asserts facts on.
    const wasUp = fs.existsSync(path.join(labDir, "config"));
    mustLab(wasUp ? ["up"] : ["up", "--nodes", "2"], 900_000);
    if (wasUp) {
        for (const n of readFleet().nodes.map((x) => x.name)) {
            if (["gnh-node-1", "gnh-node-2", "gnh-brownfield-1"].includes(n)) mustLab(["reset", n], 120_000);
        }
    }
}, 900_000);

describe("lab up", () => {
    it("writes a fleet file with the nodes, their host keys and the lab key", () => {
        const fleet = readFleet();
        expect(fleet.defaults.user).toBe("root");
        expect(path.isAbsolute(fleet.defaults.privateKeyPath)).toBe(true);
        expect(fs.statSync(fleet.defaults.privateKeyPath).mode & 0o777).toBe(0o600);
        const names = fleet.nodes.map((n) => n.name);
        expect(names).toEqual(expect.arrayContaining(["gnh-node-1", "gnh-node-2", "gnh-brownfield-1"]));
        // the access nodes (gnh-sudo, gnh-cert, gnh-jumped) are reached otherwise: test/e2e/nodeAccess.test.ts
        for (const n of fleet.nodes.filter((x) => ["green", "brownfield"].includes(x.labels.variant))) {
            expect(n.host).toBe("127.0.0.1");
            expect(n.hostKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+$/);
            expect(fs.readFileSync(knownHosts, "utf8")).toContain(`[127.0.0.1]:${n.port} ${n.hostKey}`);
        }
        expect(names).toEqual(expect.arrayContaining(["gnh-sudo", "gnh-cert", "gnh-jumped"]));
        expect(fleet.mirror.url).toMatch(/^http:\/\/gnh-mirror(\/|$)/);
        expect(fleet.registry.host).toBe("gnh-registry:5000");
        expect(fs.readFileSync(fleet.registry.caFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    });

    it.each(["gnh-node-1", "gnh-node-2"])("%s answers docker info over verified SSH, live-restore off", (name) => {
        const r = ssh(node(name), "docker info --format '{{json .LiveRestoreEnabled}} {{.ServerVersion}} {{.Driver}}'");
        expect(r.code, r.out).toBe(0);
        const [liveRestore, version, driver] = r.stdout.trim().split(" ");
        expect(liveRestore).toBe("false");
        expect(version).toMatch(/^26\./);
        expect(["overlay2", "vfs"]).toContain(driver);
        const dj = ssh(node(name), "test ! -e /etc/docker/daemon.json");
        expect(dj.code, "a fresh node has no daemon.json").toBe(0);
    });

    it("refuses a host whose key does not match the recorded one", () => {
        const n1 = node("gnh-node-1");
        const n2 = node("gnh-node-2");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-lab-kh-"));
        const wrong = path.join(tmp, "known_hosts");
        fs.writeFileSync(wrong, `[127.0.0.1]:${n1.port} ${n2.hostKey}\n`);
        try {
            const r = ssh(n1, "true", wrong);
            expect(r.code).toBe(255);
            expect(r.out).toMatch(/host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("accepts keys only: password and keyboard-interactive are refused", () => {
        const r = ssh(node("gnh-node-1"), "true", knownHosts, [
            "-o", "PubkeyAuthentication=no",
            "-o", "PreferredAuthentications=password,keyboard-interactive",
        ]);
        expect(r.code).toBe(255);
        expect(r.out).toMatch(/Permission denied \(publickey\)/);
    });

    it("a second up changes nothing and is fast", () => {
        const before = ["gnh-node-1", "gnh-node-2", "gnh-brownfield-1", "gnh-mirror", "gnh-registry"].map(containerId);
        const r = mustLab(["up"]);
        expect(r.stdout).not.toMatch(/\b(created|started)\b/);
        expect(r.stdout).toMatch(/gnh-node-1\s+127\.0\.0\.1:22201\s+unchanged/);
        expect(r.ms).toBeLessThan(30_000);
        const after = ["gnh-node-1", "gnh-node-2", "gnh-brownfield-1", "gnh-mirror", "gnh-registry"].map(containerId);
        expect(after).toEqual(before);
    });
});

describe("lab reset", () => {
    it("returns a node to the pristine image in under 15 s, same host key", () => {
        const n = node("gnh-node-2");
        expect(ssh(n, "echo damaged > /root/reset-marker && docker volume create gnh-reset-probe").code).toBe(0);
        const idBefore = containerId("gnh-node-2");
        const r = mustLab(["reset", "gnh-node-2"], 120_000);
        expect(r.ms).toBeLessThan(15_000);
        expect(containerId("gnh-node-2")).not.toBe(idBefore);
        // Still verifies against the recorded host key, and the damage is gone.
        const probe = ssh(n, "test ! -e /root/reset-marker && ! docker volume inspect gnh-reset-probe >/dev/null 2>&1 && docker info --format '{{.LiveRestoreEnabled}}'");
        expect(probe.code, probe.out).toBe(0);
        expect(probe.stdout.trim()).toBe("false");
        // The lab registry's CA is put back: a reset node still pulls from the registry.
        const ca = ssh(n, "cat '/etc/docker/certs.d/gnh-registry:5000/ca.crt'");
        expect(ca.stdout).toBe(fs.readFileSync(readFleet().registry.caFile, "utf8"));
    });

    it("refuses an unknown node name", () => {
        const r = lab(["reset", "gnh-node-99"]);
        expect(r.code).not.toBe(0);
        expect(r.out).toMatch(/no node named/);
    });
});

describe("lab status", () => {
    it("reports a stopped node, and up brings it back", () => {
        mustLab(["stop", "gnh-node-2"]);
        let s = status();
        expect(s.get("gnh-node-2")).toEqual({ state: "exited", ssh: "no" });
        expect(s.get("gnh-node-1")).toEqual({ state: "running", ssh: "ok" });
        expect(s.get("gnh-registry")).toEqual({ state: "running", ssh: "https://gnh-registry:5000/" });

        const r = mustLab(["up"]);
        expect(r.stdout).toMatch(/gnh-node-2\s+127\.0\.0\.1:22202\s+started/);
        s = status();
        expect(s.get("gnh-node-2")).toEqual({ state: "running", ssh: "ok" });
        expect(ssh(node("gnh-node-2"), "docker info >/dev/null").code).toBe(0);
    });
});

describe("brownfield node", () => {
    it("looks like a host after NVIDIA's install guide", () => {
        const n = node("gnh-brownfield-1");
        expect(n.labels.variant).toBe("brownfield");
        const dj = ssh(n, "cat /etc/docker/daemon.json");
        expect(dj.code, dj.out).toBe(0);
        const daemon = JSON.parse(dj.stdout);
        expect(daemon.runtimes.nvidia.path).toBe("nvidia-container-runtime");
        expect(daemon["data-root"]).toBe("/var/lib/docker");
        // The hand-written daemon.json is valid for this dockerd and the engine runs with it.
        expect(ssh(n, "dockerd --validate --config-file /etc/docker/daemon.json && docker info >/dev/null").code).toBe(0);
    });

    const mirrorBuilt = fs.existsSync(path.join(labDir, "mirror", "fingerprint"));
    it.skipIf(!mirrorBuilt)("trusts the lab mirror through NVIDIA's keyring and list file", () => {
        const fleet = readFleet();
        expect(fleet.mirror.fingerprint).toMatch(/^[0-9A-F]{40}$/);
        const n = node("gnh-brownfield-1");
        const list = ssh(n, "cat /etc/apt/sources.list.d/nvidia-container-toolkit.list");
        expect(list.stdout).toMatch(
            /^deb \[signed-by=\/usr\/share\/keyrings\/nvidia-container-toolkit-keyring\.gpg\] http:\/\/gnh-mirror\/\S+ \/$/m,
        );
        const fp = ssh(n, "gpg --show-keys --with-colons /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg");
        expect(fp.stdout).toContain(`fpr:::::::::${fleet.mirror.fingerprint}:`);
        const upd = ssh(n, "apt-get update --error-on=any -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/nvidia-container-toolkit.list -o Dir::Etc::sourceparts=-");
        expect(upd.code, upd.out).toBe(0);
        expect(upd.out).toMatch(/gnh-mirror/);
    });
});
