// HardenedDockerDaemon and NvidiaContainerToolkit under Pulumi mocks: what they hand the gnh
// provider, and what they say while the program runs.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { installMocks } from "../support/mocks";
import { BUILT_IN_ADVISORIES } from "../../lib/advisories";

const registered = installMocks();
const connection = {
    name: "gpu-09", host: "gpu-09.example.internal", port: 22, user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
};
const warnings: string[] = [];
const inputsOf = (name: string) => registered.find((r) => r.name === name)!.inputs;

beforeAll(async () => {
    vi.spyOn(pulumi.log, "warn").mockImplementation(async (message: string) => { warnings.push(message); });
    const { HardenedDockerDaemon } = await import("../../components/dockerDaemon");
    const { NvidiaContainerToolkit } = await import("../../components/nvidiaToolkit");
    new HardenedDockerDaemon("gpu-09", { connection, overrides: { "log-level": "warn", "userland-proxy": null } });
    new NvidiaContainerToolkit("gpu-09", { connection, version: "1.18.2", extraRuntimeConfig: { "nvidia-container-runtime.mode": "legacy" } });
    new NvidiaContainerToolkit("gpu-10", { connection: { ...connection, name: "gpu-10" }, version: "1.20.2" });
    const aged = { ...BUILT_IN_ADVISORIES, updated: "2020-01-01", origin: "aged.json" };
    new NvidiaContainerToolkit("gpu-11", { connection: { ...connection, name: "gpu-11" }, version: "1.20.2", advisories: aged });
    new NvidiaContainerToolkit("gpu-12", { connection: { ...connection, name: "gpu-12" }, version: "1.20.2", advisories: aged });
    await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(() => {
    vi.restoreAllMocks();
});

describe("HardenedDockerDaemon", () => {
    it("hands the provider the catalog's settings with the overrides applied and named", () => {
        const inputs = inputsOf("gpu-09-daemon-json");
        expect(inputs.settings).toMatchObject({ icc: false, "live-restore": true, "log-level": "warn", features: { cdi: true } });
        expect(inputs.settings).not.toHaveProperty("userland-proxy"); // an override of null stops managing the key
        expect(inputs.overriddenKeys).toEqual(["log-level"]);
    });
});

describe("NvidiaContainerToolkit", () => {
    it("keeps the hardened config.toml keys and adds the extra ones", () => {
        expect(inputsOf("gpu-09-toolkit").runtimeConfig).toMatchObject({
            "accept-nvidia-visible-devices-envvar-when-unprivileged": false, "nvidia-container-runtime.mode": "legacy",
        });
    });

    it("warns about a pin with an open advisory, naming the CVE and the fix, and says nothing about the default", () => {
        expect(warnings.filter((w) => w.startsWith("toolkit 1.18.2 is affected by CVE-2026-24260 (fixed in 1.19.1)"))).toHaveLength(1);
        expect(warnings.filter((w) => w.includes("1.20.2"))).toEqual([]);
    });

    it("says once per run, not once per node, that the advisory data is old", () => {
        expect(warnings.filter((w) => w.startsWith("advisory data of 2020-01-01 (aged.json) is "))).toHaveLength(1);
    });
});
