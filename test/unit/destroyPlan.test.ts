// What a destroy puts back and removes: the pure plan, the inputs that carry the choice, and the
// fleet file's onDestroy setting.
import { describe, expect, it } from "vitest";
import { jsonFileNames, planDaemonRestore } from "../../lib/destroyPlan";
import { FleetError, parseFleet } from "../../lib/fleet";
import * as daemon from "../../provider/dockerDaemonConfig";
import * as file from "../../provider/managedFile";

const hardened = { "icc": false, "live-restore": true, "no-new-privileges": true, "seccomp-profile": "/etc/docker/seccomp.json", "log-driver": "local" };

describe("planDaemonRestore", () => {
    it("puts the user's file back byte for byte, bridging with live-restore so the restart keeps containers", () => {
        const text = '{"log-opts": {"max-size": "50m"}}\n';
        const plan = planDaemonRestore({ kind: "file", text }, hardened);
        expect(plan).toEqual({
            kind: "restore",
            final: "file",
            original: { "log-opts": { "max-size": "50m" } },
            originalText: text,
            bridge: { "log-opts": { "max-size": "50m" }, "live-restore": true },
            restart: true,
        });
    });

    it("refuses when keys it never managed changed since the first hardening, naming them", () => {
        const text = '{"log-opts": {"max-size": "50m"}, "data-root": "/srv/docker"}\n';
        const managed = Object.keys(hardened);
        const current = { ...hardened, "data-root": "/srv/docker", "log-opts": { "max-size": "50m" } };
        expect(planDaemonRestore({ kind: "file", text }, current, managed)).toMatchObject({ kind: "restore", final: "file" });
        const edited = { ...current, "data-root": "/data/docker", "registry-mirrors": ["https://mirror.internal"] };
        expect(planDaemonRestore({ kind: "file", text }, edited, managed)).toEqual({
            kind: "refuse",
            reason: "daemon.json was changed since the first hardening in keys this tool does not manage (data-root, registry-mirrors); restoring the file from before would undo that, so nothing was changed. Destroy with onDestroy: keep, or restore those keys by hand",
        });
    });

    it("removes daemon.json when there was none, validating the empty configuration", () => {
        const plan = planDaemonRestore({ kind: "absent" }, hardened);
        expect(plan).toMatchObject({ kind: "restore", final: "absent", original: {}, originalText: "{}", bridge: { "live-restore": true }, restart: true });
    });

    it("needs no bridge when the current file already is the original with live-restore", () => {
        const plan = planDaemonRestore({ kind: "file", text: '{"live-restore": true}' }, { "live-restore": true });
        expect(plan).toMatchObject({ kind: "restore", bridge: undefined, restart: false });
    });

    it("reloads instead of restarting when only reloadable keys differ", () => {
        const plan = planDaemonRestore({ kind: "file", text: '{"debug": true}' }, { "debug": false, "live-restore": true });
        expect(plan).toMatchObject({ kind: "restore", bridge: { "debug": true, "live-restore": true }, restart: false });
    });

    it("keeps an original that sets live-restore itself", () => {
        const plan = planDaemonRestore({ kind: "file", text: '{"live-restore": false, "icc": true}' }, hardened);
        expect(plan).toMatchObject({ kind: "restore", original: { "live-restore": false, "icc": true }, bridge: { "live-restore": true, "icc": true }, restart: true });
    });

    it("leaves daemon.json alone when we never wrote it", () => {
        expect(planDaemonRestore({ kind: "none", earlierWrites: false }, hardened)).toEqual({ kind: "untouched" });
    });

    it("refuses when an older version wrote the file and kept no original, changing nothing", () => {
        const plan = planDaemonRestore({ kind: "none", earlierWrites: true }, hardened);
        expect(plan.kind).toBe("refuse");
        expect(plan.kind === "refuse" && plan.reason).toContain("nothing was changed");
    });

    it("refuses a record that is not a JSON object", () => {
        expect(planDaemonRestore({ kind: "file", text: "[1]" }, hardened)).toMatchObject({ kind: "refuse" });
        expect(planDaemonRestore({ kind: "file", text: "{oops" }, hardened)).toMatchObject({ kind: "refuse" });
    });
});

describe("jsonFileNames (keep the seccomp profile while daemon.json names it)", () => {
    const profile = "/etc/docker/seccomp.json";
    it("is true only when the key names exactly that path", () => {
        expect(jsonFileNames(`{"seccomp-profile": "${profile}"}`, "seccomp-profile", profile)).toBe(true);
        expect(jsonFileNames('{"seccomp-profile": "/etc/other.json"}', "seccomp-profile", profile)).toBe(false);
        expect(jsonFileNames('{"icc": false}', "seccomp-profile", profile)).toBe(false);
        expect(jsonFileNames(undefined, "seccomp-profile", profile)).toBe(false);
    });
    it("keeps the file when the JSON cannot be read", () => {
        expect(jsonFileNames("{not json", "seccomp-profile", profile)).toBe(true);
    });
});

const connection = {
    name: "gpu-a", host: "127.0.0.1", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
};

describe("onDestroy in the provider's inputs", () => {
    const olds = { connection, settings: hardened, overriddenKeys: [], effective: hardened, effectiveHash: "h", dockerVersion: "26.1.5", notes: [] };
    it("rejects an unknown value, naming the node", () => {
        const failures = daemon.check({ connection, settings: {}, onDestroy: "wipe" as never }).failures ?? [];
        expect(failures).toEqual([{ property: "onDestroy", reason: 'node gpu-a: onDestroy "wipe" must be one of keep, restore' }]);
    });
    it("refuses a restart limit that is not a whole number of at least 1 (0, -1 and 1.5 used to mean no limit)", () => {
        for (const limit of [0, -1, 1.5]) {
            const failures = daemon.check({ connection, settings: {}, maxParallelRestarts: limit }).failures ?? [];
            expect(failures).toEqual([{ property: "maxParallelRestarts", reason: `node gpu-a: maxParallelRestarts ${limit} must be a whole number of at least 1` }]);
        }
        expect(daemon.check({ connection, settings: {}, maxParallelRestarts: 3 }).failures).toEqual([]);
    });
    it("treats a state without onDestroy as keep (no update for existing stacks), and a change as an update", () => {
        expect(daemon.diff(olds, { connection, settings: hardened, overriddenKeys: [], onDestroy: "keep" }).changes).toBe(false);
        const toRestore = daemon.diff(olds, { connection, settings: hardened, overriddenKeys: [], onDestroy: "restore" });
        expect(toRestore).toMatchObject({ changes: true, replaces: [] });
    });
    it("records keepWhileNamedBy on managed files as an update, and checks its shape", () => {
        const inputs = { connection, path: "/etc/docker/seccomp.json", content: "{}", owner: "root", group: "root", mode: "0644" };
        const outs = { ...inputs, keepOnDelete: true, sha256: "x" };
        expect(file.diff(outs, { ...inputs, keepOnDelete: false, keepWhileNamedBy: { file: "/etc/docker/daemon.json", key: "seccomp-profile" } })).toMatchObject({ changes: true, replaces: [] });
        expect(file.check({ ...inputs, keepWhileNamedBy: { file: "relative", key: "" } }).failures?.map((f) => f.property)).toEqual(["keepWhileNamedBy"]);
    });
});

describe("onDestroy in the fleet file", () => {
    const KEY = connection.hostKey;
    const fleet = (lines: string[]) => ["defaults: { privateKeyPath: /keys/id, onDestroy: restore }", "nodes:", ...lines].join("\n");
    it("defaults to keep, takes the defaults' value, and a node's own", () => {
        expect(parseFleet(`nodes:\n  - { name: a, host: h, hostKey: "${KEY}", privateKeyPath: /k }`, "f.yaml").nodes[0].onDestroy).toBe("keep");
        const nodes = parseFleet(fleet([`  - { name: a, host: h, hostKey: "${KEY}" }`, `  - { name: b, host: h2, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHY/q3/7ukJSTk7Zc51qZYv9TFzIoImgf1sC02v042i9", onDestroy: keep }`]), "f.yaml").nodes;
        expect(nodes.map((n) => n.onDestroy)).toEqual(["restore", "keep"]);
    });
    it("rejects another value with file, line, key and the allowed values", () => {
        expect(() => parseFleet(fleet([`  - { name: a, host: h, hostKey: "${KEY}", onDestroy: wipe }`]), "f.yaml"))
            .toThrow(FleetError);
        expect(() => parseFleet(fleet([`  - { name: a, host: h, hostKey: "${KEY}", onDestroy: wipe }`]), "f.yaml"))
            .toThrow(/^f\.yaml:3:\d+: nodes\[0\]\.onDestroy: .*\("keep", "restore"\)/);
    });
});
