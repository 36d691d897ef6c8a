import { describe, expect, it } from "vitest";
import { compareVersions, debianVersion, desiredRuntimeConfig, readRuntimeConfig } from "../../lib/toolkitConfig";

describe("toolkit desired state", () => {
    it("disables the CUDA compat-lib hook only before 1.17.8 (CVE-2025-23266)", () => {
        expect(desiredRuntimeConfig("1.17.7")["features.disable-cuda-compat-lib-hook"]).toBe(true);
        expect(desiredRuntimeConfig("1.17.8")["features.disable-cuda-compat-lib-hook"]).toBe(false);
        expect(desiredRuntimeConfig("1.18.0")["features.disable-cuda-compat-lib-hook"]).toBe(false);
    });

    it("keeps the host ldconfig and picks the volume-mount pair by default", () => {
        const config = desiredRuntimeConfig("1.17.8");
        expect(config["nvidia-container-cli.ldconfig"]).toBe("@/sbin/ldconfig");
        expect(config["accept-nvidia-visible-devices-envvar-when-unprivileged"]).toBe(false);
        expect(config["accept-nvidia-visible-devices-as-volume-mounts"]).toBe(true);
    });

    it("compares versions numerically", () => {
        expect(compareVersions("1.17.10", "1.17.8")).toBeGreaterThan(0);
        expect(compareVersions("1.17.7", "1.17.8")).toBeLessThan(0);
        expect(compareVersions("1.17.8", "1.17.8")).toBe(0);
        expect(debianVersion("1.17.8")).toBe("1.17.8-1");
        expect(debianVersion("1.17.8-2")).toBe("1.17.8-2");
    });

    it("reads the managed keys from NVIDIA's config.toml layout", () => {
        const toml = [
            "#accept-nvidia-visible-devices-as-volume-mounts = false",
            "accept-nvidia-visible-devices-envvar-when-unprivileged = true",
            "disable-require = false",
            "",
            "[nvidia-container-cli]",
            'ldconfig = "@/sbin/ldconfig"',
            "",
            "[features]",
            "disable-cuda-compat-lib-hook = true # CVE",
        ].join("\n");
        expect(readRuntimeConfig(toml, ["accept-nvidia-visible-devices-envvar-when-unprivileged", "accept-nvidia-visible-devices-as-volume-mounts",
            "nvidia-container-cli.ldconfig", "features.disable-cuda-compat-lib-hook"])).toEqual({
            "accept-nvidia-visible-devices-envvar-when-unprivileged": true,
            "nvidia-container-cli.ldconfig": "@/sbin/ldconfig",
            "features.disable-cuda-compat-lib-hook": true,
        });
    });
});
