// Toolkit and apt rules: a hardened toolkit passes; one weakened fact fails exactly one rule,
// with the CVE ids or the source named in the message.
import { describe, expect, it } from "vitest";
import { NVIDIA_KEY_FINGERPRINT, NVIDIA_KEYRING_PATH } from "../../lib/toolkitConfig";
import { desiredRuntimeConfig } from "../../rules/toolkitRules";
import { toolkitAdvisoriesFor } from "../../lib/advisories";
import { parseAptSources, thirdPartySources } from "../../audit/facts";
import { isPrivateHost, ToolkitFacts, toolkitRules } from "../../rules/toolkitRules";

const MIRROR_FPR = "8D10C53CED819F7C8AD93888E59F858F05C78659";
const pkgs = (v: string) => ({ "nvidia-container-toolkit": v, "nvidia-container-toolkit-base": v, "libnvidia-container-tools": v, "libnvidia-container1": v });

const hardened: ToolkitFacts = {
    toolkit: { version: "1.20.2-1", packages: pkgs("1.20.2-1"), runtimeConfig: desiredRuntimeConfig("1.20.2") },
    aptSources: [{
        origin: "/etc/apt/sources.list.d/nvidia-container-toolkit.list",
        uri: "https://nvidia.github.io/libnvidia-container/stable/deb/amd64",
        signedBy: NVIDIA_KEYRING_PATH,
        fingerprints: [NVIDIA_KEY_FINGERPRINT],
    }],
};

const source = (patch: object) => ({ ...hardened, aptSources: [{ ...hardened.aptSources![0], ...patch }] });
const config = (patch: object) => ({ ...hardened, toolkit: { ...hardened.toolkit, runtimeConfig: { ...hardened.toolkit!.runtimeConfig, ...patch } } });

const badCases: Record<string, { facts: ToolkitFacts; message: string }> = {
    "GNH-TOOLKIT-ADVISORIES": {
        facts: { ...hardened, toolkit: { ...hardened.toolkit, version: "1.18.2-1", packages: pkgs("1.18.2-1"), runtimeConfig: desiredRuntimeConfig("1.18.2") } },
        message: "toolkit 1.18.2-1 is affected by CVE-2026-24260 (high 8.5, NVIDIA-5850: fixed in 1.19.1, no fix on the 1.17 or 1.18 line; https://nvidia.custhelp.com/app/answers/detail/a_id/5850) [data/advisories.json (built in), 2026-11-30]",
    },
    "GNH-TOOLKIT-PACKAGES-MATCH": {
        facts: { ...hardened, toolkit: { ...hardened.toolkit, packages: { ...pkgs("1.20.2-1"), "libnvidia-container1": "1.19.1-1" } } },
        message: "toolkit packages differ: nvidia-container-toolkit 1.20.2-1, nvidia-container-toolkit-base 1.20.2-1, libnvidia-container-tools 1.20.2-1, libnvidia-container1 1.19.1-1",
    },
    "GNH-TOOLKIT-LDCONFIG": {
        facts: config({ "nvidia-container-cli.ldconfig": "/sbin/ldconfig" }),
        message: 'config.toml nvidia-container-cli.ldconfig is "/sbin/ldconfig"; it must start with "@"',
    },
    "GNH-TOOLKIT-COMPAT-HOOK": {
        // 1.17.7 with the hook left on: the compat-hook rule AND the advisories rule fail; checked below
        facts: { ...hardened, toolkit: { version: "1.17.7-1", packages: pkgs("1.17.7-1"), runtimeConfig: desiredRuntimeConfig("1.17.8") } },
        message: "toolkit 1.17.7-1 is older than 1.17.8 and config.toml features.disable-cuda-compat-lib-hook is false, not true (CVE-2025-23266)",
    },
    "GNH-TOOLKIT-ENVVAR-UNPRIVILEGED": {
        facts: config({ "accept-nvidia-visible-devices-envvar-when-unprivileged": true }),
        message: "config.toml accept-nvidia-visible-devices-envvar-when-unprivileged is true; it must be false",
    },
    "GNH-TOOLKIT-CONTAINER-LIBS": {
        facts: config({ "features.allow-ldconfig-from-container": true }),
        message: "config.toml sets features.allow-ldconfig-from-container = true",
    },
    "GNH-APT-SIGNED-BY": {
        facts: source({ signedBy: undefined, fingerprints: undefined }),
        message: "/etc/apt/sources.list.d/nvidia-container-toolkit.list: https://nvidia.github.io/libnvidia-container/stable/deb/amd64 has no signed-by",
    },
    "GNH-APT-PINNED-FINGERPRINT": {
        facts: source({ fingerprints: [NVIDIA_KEY_FINGERPRINT, MIRROR_FPR] }),
        message: `/etc/apt/sources.list.d/nvidia-container-toolkit.list: https://nvidia.github.io/libnvidia-container/stable/deb/amd64 trusts key ${MIRROR_FPR}, not pinned`,
    },
    "GNH-APT-VERIFICATION": {
        facts: source({ options: { "signed-by": "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg", trusted: "yes" } }),
        message: "/etc/apt/sources.list.d/nvidia-container-toolkit.list: https://nvidia.github.io/libnvidia-container/stable/deb/amd64 sets trusted=yes",
    },
    "GNH-APT-HTTPS": {
        facts: source({ uri: "http://nvidia.github.io/libnvidia-container/stable/deb/amd64" }),
        message: "/etc/apt/sources.list.d/nvidia-container-toolkit.list: http://nvidia.github.io/libnvidia-container/stable/deb/amd64 is plain http to public host nvidia.github.io",
    },
};

describe("toolkit and apt rules", () => {
    it("has a bad case for every rule", () => {
        expect(Object.keys(badCases).sort()).toEqual(toolkitRules.map((r) => r.id).sort());
    });

    it.each(toolkitRules.map((r) => [r.id, r] as const))("%s passes on the hardened toolkit", (_id, rule) => {
        expect(rule.evaluate(hardened)).toEqual({ status: "pass" });
    });

    it.each(toolkitRules.map((r) => [r.id, r] as const))("%s fails on its bad case, with the cause in the message", (id, rule) => {
        const { facts, message } = badCases[id];
        expect(rule.evaluate(facts)).toEqual({ status: "fail", message });
        const others = toolkitRules.filter((r) => r.id !== id && r.evaluate(facts).status === "fail").map((r) => r.id);
        expect(others).toEqual(id === "GNH-TOOLKIT-COMPAT-HOOK" ? ["GNH-TOOLKIT-ADVISORIES"] : id === "GNH-TOOLKIT-ADVISORIES" ? [] : []);
    });

    it("is not applicable when nothing is known", () => {
        for (const rule of toolkitRules) {
            expect(rule.evaluate({}).status).toBe("not-applicable");
        }
    });

    it("names every advisory that applies, oldest first", () => {
        expect(toolkitAdvisoriesFor("1.16.1").flatMap((a) => a.cves)).toEqual([
            "CVE-2024-0132", "CVE-2024-0133", "CVE-2024-0134", "CVE-2024-0135", "CVE-2024-0136", "CVE-2024-0137", "CVE-2025-23359", "CVE-2025-23266", "CVE-2025-23267", "CVE-2026-24260",
        ]);
        expect(toolkitAdvisoriesFor("1.17.3-1").flatMap((a) => a.cves)).toEqual(["CVE-2025-23359", "CVE-2025-23266", "CVE-2025-23267", "CVE-2026-24260"]);
        expect(toolkitAdvisoriesFor("1.17.8").flatMap((a) => a.cves)).toEqual(["CVE-2026-24260"]);
        expect(toolkitAdvisoriesFor("1.18.2-1").flatMap((a) => a.cves)).toEqual(["CVE-2026-24260"]);
        expect(toolkitAdvisoriesFor("1.19.1")).toEqual([]);
        expect(toolkitAdvisoriesFor("1.20.2-1")).toEqual([]);
    });

    it("accepts an old toolkit's compat hook only when it is disabled", () => {
        const rule = toolkitRules.find((r) => r.id === "GNH-TOOLKIT-COMPAT-HOOK")!;
        const old = { toolkit: { version: "1.17.7-1", runtimeConfig: desiredRuntimeConfig("1.17.7") } };
        expect(old.toolkit.runtimeConfig["features.disable-cuda-compat-lib-hook"]).toBe(true);
        expect(rule.evaluate(old).status).toBe("pass");
    });

    it("judges an absent envvar key as NVIDIA's default (true)", () => {
        const rule = toolkitRules.find((r) => r.id === "GNH-TOOLKIT-ENVVAR-UNPRIVILEGED")!;
        expect(rule.evaluate({ toolkit: { version: "1.17.8", runtimeConfig: {} } })).toEqual({
            status: "fail", message: "config.toml accept-nvidia-visible-devices-envvar-when-unprivileged is true (NVIDIA's default); it must be false",
        });
    });

    it("trusts an internal mirror's key once it is pinned, and allows http on a private network", () => {
        const mirror = source({ uri: "http://gnh-mirror/good/stable/deb/amd64", fingerprints: [MIRROR_FPR] });
        const fpr = toolkitRules.find((r) => r.id === "GNH-APT-PINNED-FINGERPRINT")!;
        const https = toolkitRules.find((r) => r.id === "GNH-APT-HTTPS")!;
        expect(fpr.evaluate(mirror).status).toBe("fail");
        expect(fpr.evaluate({ ...mirror, options: { trustedFingerprints: [MIRROR_FPR.toLowerCase()] } }).status).toBe("pass");
        expect(https.evaluate(mirror).status).toBe("pass");
        const publicMirror = source({ uri: "http://mirror.example.com/nvidia" });
        expect(https.evaluate(publicMirror).status).toBe("fail");
        expect(https.evaluate({ ...publicMirror, options: { httpAllowedHosts: ["mirror.example.com"] } }).status).toBe("pass");
        expect(fpr.evaluate(source({ fingerprints: [] }))).toEqual({
            status: "fail",
            message: `/etc/apt/sources.list.d/nvidia-container-toolkit.list: https://nvidia.github.io/libnvidia-container/stable/deb/amd64 is signed by ${NVIDIA_KEYRING_PATH}, which holds no key with a pinned fingerprint`,
        });
    });

    it.each([
        ["gnh-mirror", true], ["10.1.2.3", true], ["192.168.0.10", true], ["172.20.0.1", true], ["127.0.0.1", true],
        ["mirror.corp.internal", true], ["[fd00::1]", true], ["172.32.0.1", false], ["8.8.8.8", false], ["nvidia.github.io", false],
    ])("host %s is private: %s", (host, expected) => {
        expect(isPrivateHost(host as string)).toBe(expected);
    });
});

describe("private hosts (node's own address parsing, the same ranges as before)", () => {
    it.each([
        ["10.1.2.3", true], ["127.0.0.1", true], ["172.16.0.1", true], ["172.31.255.255", true], ["172.32.0.1", false], ["192.168.7.7", true],
        ["169.254.1.1", true], ["8.8.8.8", false], ["999.1.1.1", false], ["[::1]", true], ["fd12::1", true], ["fc00::5", true],
        ["fe80::1", true], ["febf::1", false], ["2001:db8::1", false], ["gnh-mirror", true], ["mirror.internal", true], ["nvidia.github.io", false],
    ] as const)("%s -> %s", (host, expected) => {
        expect(isPrivateHost(host)).toBe(expected);
    });
});

describe("GNH-APT-VERIFICATION reads the options as apt does", () => {
    const rule = toolkitRules.find((r) => r.id === "GNH-APT-VERIFICATION")!;
    const judged = (text: string) => rule.evaluate({ aptSources: thirdPartySources(parseAptSources(text), {}) }).status;

    it.each([
        ["one-line trusted=yes", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg trusted=yes] https://vendor.example.com/apt ./\n"],
        ["one-line, upper case", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg Trusted=Yes] https://vendor.example.com/apt ./\n"],
        ["allow-insecure", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg allow-insecure=yes] https://vendor.example.com/apt ./\n"],
        ["allow-weak", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg allow-weak=true] https://vendor.example.com/apt ./\n"],
        ["allow-downgrade-to-insecure", "### /etc/apt/sources.list.d/x.list\ndeb [allow-downgrade-to-insecure=1 signed-by=/k.gpg] https://vendor.example.com/apt ./\n"],
        ["deb822 Trusted: yes", "### /etc/apt/sources.list.d/x.sources\nTypes: deb\nURIs: https://vendor.example.com/apt\nSuites: ./\nSigned-By: /k.gpg\nTrusted: yes\n"],
    ])("fails %s", (_name, text) => {
        expect(judged(text)).toBe("fail");
    });

    it.each([
        ["trusted=no", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg trusted=no] https://vendor.example.com/apt ./\n"],
        ["no such option", "### /etc/apt/sources.list.d/x.list\ndeb [signed-by=/k.gpg arch=amd64] https://vendor.example.com/apt ./\n"],
    ])("passes %s", (_name, text) => {
        expect(judged(text)).toBe("pass");
    });
});

describe("a config.toml the toolkit refuses (issue #18)", () => {
    it("fails the rules that read it, with the toolkit's message: never a pass, never not-applicable", async () => {
        const { toolkitRules } = await import("../../rules/toolkitRules");
        const facts = { toolkit: { version: "1.20.2", runtimeConfigError: "The following key was defined twice: accept-nvidia-visible-devices-envvar-when-unprivileged" } };
        for (const id of ["GNH-TOOLKIT-ENVVAR-UNPRIVILEGED", "GNH-TOOLKIT-LDCONFIG", "GNH-TOOLKIT-CONTAINER-LIBS"]) {
            const verdict = toolkitRules.find((r) => r.id === id)!.evaluate(facts);
            expect(verdict, id).toMatchObject({ status: "fail" });
            expect(JSON.stringify(verdict), id).toContain("the toolkit cannot read config.toml (The following key was defined twice");
        }
    });
});
