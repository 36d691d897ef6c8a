import { describe, expect, it } from "vitest";
import { desiredDaemonConfig, mergeDaemonConfig } from "../../lib/daemonMerge";

const desired = desiredDaemonConfig();

describe("three-way merge of daemon.json", () => {
    it("applies every hardened key to an empty file", () => {
        const result = mergeDaemonConfig({ desired, current: {} });
        expect(result.merged).toEqual(desired);
        expect(result.conflicts).toEqual([]);
    });

    it("keeps keys we never managed", () => {
        const result = mergeDaemonConfig({ desired, current: { "data-root": "/data/docker", "registry-mirrors": ["https://mirror.lab"] } });
        expect(result.merged["data-root"]).toBe("/data/docker");
        expect(result.merged["registry-mirrors"]).toEqual(["https://mirror.lab"]);
    });

    it("adopts the runtime NVIDIA's guide writes by bare name, and keeps other runtimes", () => {
        const current = { runtimes: { nvidia: { args: [], path: "nvidia-container-runtime" }, crun: { path: "/usr/bin/crun" } } };
        const result = mergeDaemonConfig({ desired, current });
        expect(result.conflicts).toEqual([]);
        expect(result.merged.runtimes).toEqual({ nvidia: { path: "/usr/bin/nvidia-container-runtime", runtimeArgs: [] }, crun: { path: "/usr/bin/crun" } });
        expect(result.notes.join("\n")).toContain("adopted runtimes.nvidia");
    });

    it("keeps a user's value that still satisfies the owning rule (stricter log rotation)", () => {
        const result = mergeDaemonConfig({ desired, current: { "log-opts": { "max-size": "50m" } } });
        expect(result.conflicts).toEqual([]);
        expect(result.merged["log-opts"]).toEqual({ "max-size": "50m" });
        expect(result.merged["log-driver"]).toBe("local");
    });

    it("reports a user value that weakens a hardened key, by key", () => {
        const result = mergeDaemonConfig({ desired, current: { icc: true } });
        expect(result.conflicts).toHaveLength(1);
        expect(result.conflicts[0]).toMatch(/^icc: the node has true, hardening needs false/);
    });

    it("lets an explicit override win over the node's value", () => {
        const result = mergeDaemonConfig({ desired, current: { icc: true }, overriddenKeys: ["icc"] });
        expect(result.conflicts).toEqual([]);
        expect(result.merged.icc).toBe(false);
    });

    it("replaces our own earlier value without calling it a conflict", () => {
        const lastApplied = { ...desired, "log-opts": { "max-size": "10m", "max-file": "3" } };
        const current = { ...lastApplied };
        const result = mergeDaemonConfig({ desired, current, lastApplied });
        expect(result.conflicts).toEqual([]);
        expect(result.merged["log-opts"]).toEqual(desired["log-opts"]);
    });

    it("removes a key we managed and no longer want, unless the user changed it", () => {
        const lastApplied = { ...desired, "default-ulimits": { nofile: { Name: "nofile", Soft: 1, Hard: 1 } }, "log-level": "info" };
        const smaller = { ...desired };
        delete (smaller as Record<string, unknown>)["default-ulimits"];
        delete (smaller as Record<string, unknown>)["log-level"];
        const current = { ...lastApplied, "log-level": "warn" };
        const result = mergeDaemonConfig({ desired: smaller, current, lastApplied });
        expect(result.merged).not.toHaveProperty("default-ulimits");
        expect(result.merged["log-level"]).toBe("warn");
    });

    it("puts back a managed key that was weakened on the node (drift), and says so", () => {
        const result = mergeDaemonConfig({ desired, current: { ...desired, icc: true }, lastApplied: desired });
        expect(result.conflicts).toEqual([]);
        expect(result.merged.icc).toBe(false);
        expect(result.notes).toContain("repaired icc: changed on the node to true");
    });

    it("never prints structured values of the node's file in a conflict (they may hold tokens)", () => {
        const current = { "log-driver": "splunk", "log-opts": { "splunk-token": "SECRET-TOKEN-123", "splunk-url": "https://splunk.example.internal:8088" }, icc: true };
        const result = mergeDaemonConfig({ desired, current });
        const text = [...result.conflicts, ...result.notes].join("\n");
        expect(text).not.toContain("SECRET-TOKEN-123");
        expect(text).toContain("icc: the node has true");
    });

    it("does not modify its inputs", () => {
        const current = { runtimes: { nvidia: { path: "nvidia-container-runtime" } } };
        const copy = structuredClone(current);
        mergeDaemonConfig({ desired, current });
        expect(current).toEqual(copy);
    });

    it("treats an override of null as: leave this key alone", () => {
        const withoutIcc = desiredDaemonConfig({ icc: null });
        expect(withoutIcc).not.toHaveProperty("icc");
        expect(mergeDaemonConfig({ desired: withoutIcc, current: { icc: true } }).merged.icc).toBe(true);
    });
});

describe("strict merge: a node value is kept only when it can be shown to be as strict", () => {
    const withProfile = { ...desired, "seccomp-profile": "/etc/docker/seccomp.json" };

    it("refuses another seccomp profile or another nvidia runtime binary, naming the key", () => {
        const profile = mergeDaemonConfig({ desired: withProfile, current: { "seccomp-profile": "/etc/docker/allow-all.json" } });
        expect(profile.conflicts).toEqual(['seccomp-profile: the node has a string value (not shown), hardening needs "/etc/docker/seccomp.json": another profile cannot be shown to be as strict from its name (set it in overrides to choose it on purpose)']);
        const runtime = mergeDaemonConfig({ desired, current: { runtimes: { nvidia: { path: "/opt/tools/nvidia-container-runtime", runtimeArgs: [] } } } });
        expect(runtime.conflicts).toHaveLength(1);
        expect(runtime.conflicts[0]).toMatch(/^runtimes\.nvidia: the node has an object with keys path, runtimeArgs \(values not shown\), hardening needs .*another runtime binary cannot be shown to be as strict/);
    });

    it("still adopts NVIDIA's guide's runtime by bare name, and takes an override on purpose", () => {
        const guide = mergeDaemonConfig({ desired, current: { runtimes: { nvidia: { path: "nvidia-container-runtime", runtimeArgs: [] } } } });
        expect(guide.conflicts).toEqual([]);
        const chosen = mergeDaemonConfig({ desired: { ...withProfile, "seccomp-profile": "/etc/docker/allow-all.json" }, current: { "seccomp-profile": "/etc/docker/allow-all.json" }, overriddenKeys: ["seccomp-profile"] });
        expect(chosen.conflicts).toEqual([]);
    });
});
