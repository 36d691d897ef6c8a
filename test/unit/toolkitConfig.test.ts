import { describe, expect, it } from "vitest";
import { cdiSchemaProblem, compareVersions, debianVersion, readRuntimeConfig, tomlProblem } from "../../lib/toolkitConfig";
import { desiredRuntimeConfig } from "../../rules/toolkitRules";

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

describe("the CDI schema preflight (toolkit >= 1.19 writes v0.7.0 specs)", () => {
    it("lets older toolkits and Docker >= 26.1 through", () => {
        expect(cdiSchemaProblem("1.18.2", "20.10.24+dfsg1", {})).toBeUndefined();
        expect(cdiSchemaProblem("1.20.2", "26.1.5+dfsg1", {})).toBeUndefined();
        expect(cdiSchemaProblem("1.19.1-1", "27.3.1", {})).toBeUndefined();
    });

    it("refuses an older Docker unless NVIDIA's workaround is set, and fails closed on an unreadable version", () => {
        expect(cdiSchemaProblem("1.20.2", "20.10.24+dfsg1", {})).toBe(
            "toolkit 1.20.2 writes CDI specs at schema v0.7.0, which Docker 20.10.24+dfsg1 cannot read (it needs 26.1 or later): upgrade Docker, pin a toolkit before 1.19.0, or set features.no-additional-gids-for-device-nodes = true (NVIDIA's workaround) through the component's extraRuntimeConfig",
        );
        expect(cdiSchemaProblem("1.20.2", "26.0.2", { "features.no-additional-gids-for-device-nodes": true })).toBeUndefined();
        expect(cdiSchemaProblem("1.19.1", undefined, {})).toMatch(/the node's Docker version could not be read/);
    });
});

describe("config.toml, read as TOML", () => {
    const KEYS = ["accept-nvidia-visible-devices-envvar-when-unprivileged", "features.disable-cuda-compat-lib-hook", "nvidia-container-cli.ldconfig"];

    it.each([
        ["plain", "accept-nvidia-visible-devices-envvar-when-unprivileged = true\n"],
        ["quoted key", "\"accept-nvidia-visible-devices-envvar-when-unprivileged\" = true\n"],
        ["no spaces", "accept-nvidia-visible-devices-envvar-when-unprivileged=true\n"],
        ["a comment after", "accept-nvidia-visible-devices-envvar-when-unprivileged = true # on purpose\n"],
    ])("reads a top-level key written %s", (_name, text) => {
        expect(readRuntimeConfig(text, KEYS)["accept-nvidia-visible-devices-envvar-when-unprivileged"]).toBe(true);
    });

    it.each([
        ["a table", "[features]\ndisable-cuda-compat-lib-hook = false\n"],
        ["a header with spaces", "[ features ]\ndisable-cuda-compat-lib-hook = false\n"],
        ["a dotted key", "features.disable-cuda-compat-lib-hook = false\n"],
        ["a quoted dotted key", "features.\"disable-cuda-compat-lib-hook\" = false\n"],
        ["an inline table", "features = { disable-cuda-compat-lib-hook = false }\n"],
    ])("reads a nested key written as %s", (_name, text) => {
        expect(readRuntimeConfig(text, KEYS)["features.disable-cuda-compat-lib-hook"]).toBe(false);
    });

    it("reads literal and basic strings alike, keeps other types as JSON, and reads nothing from text that is not TOML", () => {
        expect(readRuntimeConfig("[nvidia-container-cli]\nldconfig = '/sbin/ldconfig'\n", KEYS)["nvidia-container-cli.ldconfig"]).toBe("/sbin/ldconfig");
        expect(readRuntimeConfig("accept-nvidia-visible-devices-envvar-when-unprivileged = 1\n", KEYS)["accept-nvidia-visible-devices-envvar-when-unprivileged"]).toBe("1");
        expect(readRuntimeConfig("[features\nx = 1\n", KEYS)).toEqual({});
        expect(tomlProblem("[features\nx = 1\n")).toBeDefined();
        expect(tomlProblem("a = true\n")).toBeUndefined();
    });
});

describe("the toolkit's own complaint about config.toml", () => {
    it("is the message of nvidia-ctk's last log line, unescaped, or the line as it is", async () => {
        const { toolkitConfigError } = await import("../../lib/toolkitConfig");
        const logged = 'time="2026-11-30T11:40:28Z" level=error msg="unable to create config: failed to load specified config file: (3, 1): The following key was defined twice: \\"x\\""\n';
        expect(toolkitConfigError(logged, 1)).toBe('unable to create config: failed to load specified config file: (3, 1): The following key was defined twice: "x"');
        expect(toolkitConfigError("cat: config.toml: Permission denied\n", 1)).toBe("cat: config.toml: Permission denied");
        expect(toolkitConfigError("", 2)).toBe("nvidia-ctk config exited 2");
    });
});
