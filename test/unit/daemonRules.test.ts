// Each daemon rule: a hardened daemon.json passes; changing the one key a rule owns fails it.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../../rules/catalog";
import { daemonRules } from "../../rules/daemonRules";
import { renderRulesDoc } from "../../rules/rulesDoc";
import { desiredDaemonConfig } from "../../lib/daemonMerge";

const hardened = { ...desiredDaemonConfig(), "userns-remap": "default", "authorization-plugins": ["opa-docker-authz"] };

const badCases: Record<string, Record<string, unknown>> = {
    "GNH-DAEMON-ICC": { icc: true },
    "GNH-DAEMON-LOG-LEVEL": { "log-level": "debug" },
    "GNH-DAEMON-IPTABLES": { iptables: false },
    "GNH-DAEMON-INSECURE-REGISTRIES": { "insecure-registries": ["registry.lab:5000"] },
    "GNH-DAEMON-TCP-TLS": { hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"] },
    "GNH-DAEMON-DEFAULT-ULIMITS": { "default-ulimits": {} },
    "GNH-DAEMON-USERNS-REMAP": { "userns-remap": "" },
    "GNH-DAEMON-LOGGING": { "log-driver": "json-file", "log-opts": {} },
    "GNH-DAEMON-NO-NEW-PRIVILEGES": { "no-new-privileges": false },
    "GNH-DAEMON-LIVE-RESTORE": { "live-restore": false },
    "GNH-DAEMON-USERLAND-PROXY": { "userland-proxy": true },
    "GNH-DAEMON-SECCOMP-PROFILE": { "seccomp-profile": "unconfined" },
    "GNH-DAEMON-EXPERIMENTAL": { experimental: true },
    "GNH-DAEMON-CDI": { features: { cdi: false, "containerd-snapshotter": true } },
    "GNH-DAEMON-NVIDIA-RUNTIME": { runtimes: { nvidia: { path: "nvidia-container-runtime", args: [] } } },
    "GNH-DAEMON-STORAGE-DRIVER": { "storage-driver": "aufs" },
    "GNH-DAEMON-CGROUP-PARENT": { "cgroup-parent": "/gpu-jobs" },
    "GNH-DAEMON-BASE-DEVICE-SIZE": { "storage-opts": ["dm.basesize=50G"] },
    "GNH-DAEMON-AUTHORIZATION": { "authorization-plugins": [] },
    "GNH-DAEMON-JSON-UNAMBIGUOUS": {},
    "GNH-DAEMON-CONFIG-IN-FORCE": {},
};

/** Facts besides daemon.json that a rule's bad case needs. */
const badFacts: Record<string, object> = {
    "GNH-DAEMON-JSON-UNAMBIGUOUS": { duplicateKeys: ["icc"] },
    // the file is hardened; the daemon still runs as it was started before it
    "GNH-DAEMON-CONFIG-IN-FORCE": { running: { liveRestore: false, securityOptions: ["name=seccomp,profile=builtin"], runtimes: ["runc"] } },
};

describe("daemon rules", () => {
    it("has a bad case for every rule", () => {
        expect(Object.keys(badCases).sort()).toEqual(daemonRules.map((r) => r.id).sort());
    });

    it.each(daemonRules.map((r) => [r.id, r] as const))("%s passes on the hardened config", (_id, rule) => {
        expect(rule.evaluate({ daemon: hardened })).toEqual({ status: "pass" });
    });

    it.each(daemonRules.map((r) => [r.id, r] as const))("%s fails when its key is weakened, and only it", (id, rule) => {
        const weakened = { daemon: { ...hardened, ...badCases[id] }, ...badFacts[id] };
        const verdict = rule.evaluate(weakened);
        expect(verdict.status).toBe("fail");
        const othersFailing = daemonRules.filter((r) => r.id !== id && r.evaluate(weakened).status === "fail").map((r) => r.id);
        expect(othersFailing).toEqual([]);
    });

    it("is not applicable when no daemon.json is known", () => {
        for (const rule of daemonRules) {
            expect(rule.evaluate({}).status).toBe("not-applicable");
        }
    });

    it("accepts TLS on a TCP socket only with verification and all three files", () => {
        const rule = daemonRules.find((r) => r.id === "GNH-DAEMON-TCP-TLS")!;
        const tcp = { hosts: ["tcp://0.0.0.0:2376"] };
        expect(rule.evaluate({ daemon: { ...tcp, tlsverify: true, tlscacert: "/ca", tlscert: "/c", tlskey: "/k" } }).status).toBe("pass");
        expect(rule.evaluate({ daemon: { ...tcp, tlsverify: true, tlscacert: "/ca", tlscert: "/c" } })).toMatchObject({ status: "fail" });
    });
});

describe("the catalog", () => {
    it("has unique ids with the metadata every rule needs", () => {
        const ids = catalog.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const rule of catalog) {
            expect(rule.id).toMatch(/^GNH-[A-Z0-9-]+$/);
            expect(rule.title.length).toBeGreaterThan(5);
            expect(rule.rationale.length).toBeGreaterThan(20);
            expect(rule.remediation.length).toBeGreaterThan(10);
            expect(rule.controls.length).toBeGreaterThan(0);
        }
    });

    it("matches the committed docs/rules.md (run npm run docs)", () => {
        const committed = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "rules.md"), "utf8");
        expect(committed).toBe(renderRulesDoc());
    });
});

describe("daemon.json with a key given twice", () => {
    it("is found in the text, nested keys too, and reported by its rule", async () => {
        const { duplicateKeys } = await import("../../lib/jsonDuplicateKeys");
        const text = '{"icc": false, "runtimes": {"nvidia": {"path": "/a"}, "nvidia": {"path": "/b"}}, "icc": true}';
        expect(duplicateKeys(text)).toEqual(["runtimes.nvidia", "icc"]);
        expect(duplicateKeys('{"icc": false}')).toEqual([]);
        const rule = daemonRules.find((r) => r.id === "GNH-DAEMON-JSON-UNAMBIGUOUS")!;
        expect(rule.evaluate({ daemon: JSON.parse(text), duplicateKeys: duplicateKeys(text) })).toEqual({ status: "fail", message: 'daemon.json gives "runtimes.nvidia", "icc" more than once; dockerd uses the last' });
    });
});

describe("daemon.json in force", () => {
    const rule = daemonRules.find((r) => r.id === "GNH-DAEMON-CONFIG-IN-FORCE")!;
    const running = { liveRestore: true, securityOptions: ["name=seccomp,profile=/etc/docker/seccomp.json", "name=no-new-privileges"], defaultRuntime: "runc", runtimes: ["runc", "nvidia", "io.containerd.runc.v2"] };

    it("passes when docker info shows the file's settings, and names each one it does not", () => {
        expect(rule.evaluate({ daemon: hardened, running })).toEqual({ status: "pass" });
        expect(rule.evaluate({ daemon: hardened, running: { ...running, liveRestore: false, runtimes: ["runc"] } })).toEqual({
            status: "fail",
            message: 'daemon.json is not what runs (restart or reload pending): "live-restore" is true in the file, false in the running daemon; runtime nvidia in the file, not registered in the running daemon',
        });
    });
});
