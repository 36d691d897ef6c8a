// The pack's policies in-process, run as @pulumi/policy runs them (policies/analyzeInProcess.ts):
// configuration and allow-lists, waivers on a fixed clock, unknown values at preview, and the
// automatic fixes. The engine itself is exercised by test/e2e/policyPack.test.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { ResourceValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { analyzeInProcess, Finding, PackConfig, SyntheticResource, unknown } from "../../policies/analyzeInProcess";
import { policiesFromCatalog } from "../../policies/catalogPolicies";
import { remediations } from "../../policies/remediations";
import { containerResource, daemonResource, toolkitResource } from "../../policies/syntheticResources";
import { catalog } from "../../rules/catalog";
import { containerRules } from "../../rules/containerRules";
import { daemonRules } from "../../rules/daemonRules";
import { toolkitRules } from "../../rules/toolkitRules";
import { RULE_OPTIONS } from "../../rules/ruleOptions";

const JULY_2026 = new Date("2026-07-15T12:00:00Z");
const pack = policiesFromCatalog({ now: () => JULY_2026 });

/** The advisories every hardened node has, documented choices: userns-remap is opt-in, no authorization plugin is installed. */
const DOCUMENTED_ADVISORIES = ["GNH-DAEMON-USERNS-REMAP", "GNH-DAEMON-AUTHORIZATION"];

/** Findings other than the documented advisories. */
async function findings(resource: SyntheticResource, config: PackConfig = {}): Promise<Finding[]> {
    return (await analyzeInProcess(pack, resource, config)).filter((f) => !DOCUMENTED_ADVISORIES.includes(f.policy));
}

const only = (list: Finding[]) => list.map((f) => `${f.enforcementLevel} ${f.policy}`);

describe("the pack over our resources' inputs", () => {
    it("passes a hardened node and a HardenedGpuContainer", async () => {
        expect(await findings(daemonResource("gpu-01"))).toEqual([]);
        expect(await findings(toolkitResource("gpu-01"))).toEqual([]);
        expect(await findings(containerResource("trainer", 0))).toEqual([]);
        expect(only(await analyzeInProcess(pack, daemonResource("gpu-01")))).toEqual(["advisory GNH-DAEMON-USERNS-REMAP", "advisory GNH-DAEMON-AUTHORIZATION"]);
    });

    it("names the node, the rule and the fix", async () => {
        expect(await findings(daemonResource("gpu-01", { icc: true }))).toEqual([{
            policy: "GNH-DAEMON-ICC",
            enforcementLevel: "mandatory",
            message: 'Inter-container communication on the default bridge is off\nnode gpu-01: GNH-DAEMON-ICC: daemon.json "icc" is true; it must be false. Fix: Set "icc": false in /etc/docker/daemon.json; link containers explicitly through user-defined networks.',
        }]);
        expect(only(await findings(toolkitResource("gpu-01", { version: "1.17" })))).toEqual(["mandatory GNH-TOOLKIT-ADVISORIES"]);
        expect(only(await findings(toolkitResource("gpu-01", { fingerprint: "" })))).toEqual(["mandatory GNH-APT-PINNED-FINGERPRINT"]);
        expect((await findings(containerResource("trainer", 0, { privileged: true })))[0].message).toMatch(/\nGNH-CONTAINER-PRIVILEGED: container trainer is privileged\. Fix: /);
    });

    it("declares a configSchema per rule whose defaults are the catalog's", () => {
        for (const policy of pack.filter((p) => p.name !== "GNH-WAIVERS")) {
            const properties = policy.configSchema?.properties ?? {};
            expect(properties.unknownAtPreview?.default, policy.name).toBe("block");
            for (const option of RULE_OPTIONS[policy.name] ?? []) {
                expect(properties[option.key]?.default, `${policy.name}.${option.key}`).toEqual(option.default);
            }
            expect(properties.enforcementLevel, "CrossGuard owns enforcementLevel").toBeUndefined();
        }
        expect(pack[0].name).toBe("GNH-WAIVERS");
        const previewable = catalog.filter((r) => r.checkedAt.includes("preview")).map((r) => r.id);
        expect(pack.slice(1).every((p) => previewable.includes(p.name))).toBe(true);
        const families = [...daemonRules, ...toolkitRules, ...containerRules].map((r) => r.id).filter((id) => previewable.includes(id));
        expect(families.filter((id) => !pack.some((p) => p.name === id))).toEqual([]);
    });
});

describe("allow-lists", () => {
    it("capabilities a container may add", async () => {
        const nice = containerResource("trainer", 0, { capabilities: { drops: ["ALL"], adds: ["SYS_NICE"] } });
        expect(only(await findings(nice))).toEqual(["mandatory GNH-CONTAINER-CAPABILITIES"]);
        expect(await findings(nice, { "GNH-CONTAINER-CAPABILITIES": { allowedCapabilities: ["CAP_SYS_NICE"] } })).toEqual([]);
    });

    it("sensitive host paths a container may write", async () => {
        const logs = containerResource("trainer", 0, { mounts: [{ type: "bind", source: "/var/lib/docker/volumes/cache", target: "/cache", readOnly: false }] });
        expect(only(await findings(logs))).toEqual(["mandatory GNH-CONTAINER-SENSITIVE-MOUNTS"]);
        expect(await findings(logs, { "GNH-CONTAINER-SENSITIVE-MOUNTS": { writableHostPaths: ["/var/lib/docker/volumes/cache"] } })).toEqual([]);
    });

    it("public hosts that may serve apt over http", async () => {
        const http = toolkitResource("gpu-01", { url: "http://mirror.example.com/stable/deb/amd64" });
        expect(only(await findings(http))).toEqual(["mandatory GNH-APT-HTTPS"]);
        expect(await findings(http, { "GNH-APT-HTTPS": { httpAllowedHosts: ["mirror.example.com"] } })).toEqual([]);
    });

    it("trusted key fingerprints: only NVIDIA's and the configured ones, never a resource's own pin", async () => {
        const mirror = toolkitResource("gpu-01", { url: "http://gnh-mirror/stable/deb/amd64", fingerprint: "8D10C53CED819F7C8AD93888E59F858F05C78659" });
        // a pull request that pins another key does not pass by pinning it
        expect(only(await findings(mirror))).toEqual(["mandatory GNH-APT-PINNED-FINGERPRINT"]);
        expect(await findings(mirror, { "GNH-APT-PINNED-FINGERPRINT": { trustedFingerprints: ["8D10 C53C ED81 9F7C 8AD9 3888 E59F 858F 05C7 8659"] } })).toEqual([]);
        expect(only(await findings(mirror, { "GNH-APT-PINNED-FINGERPRINT": { trustedFingerprints: ["0000000000000000000000000000000000000000"] } })))
            .toEqual(["mandatory GNH-APT-PINNED-FINGERPRINT"]);
    });

    it("documents every option in docs/policies.md", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policies.md"), "utf8");
        for (const [rule, options] of Object.entries(RULE_OPTIONS)) {
            for (const option of options) {
                expect(doc, `${rule}.${option.key}`).toContain(`\`${option.key}\``);
            }
        }
        for (const r of remediations) {
            expect(doc, r.ruleId).toContain(r.ruleId);
        }
    });
});

describe("waivers", () => {
    const waiver = (expires: string, extra: object = {}) => ({
        "GNH-WAIVERS": { waivers: [{ rule: "GNH-DAEMON-ICC", resource: "gpu-0[12]-*".replace("[12]", "?"), owner: "alice@example.com", reason: "NCCL over docker0 (INC-42)", expires, ...extra }] },
    });
    const icc = daemonResource("gpu-01", { icc: true });

    it("an active waiver reports the violation as advice, with owner, reason and expiry", async () => {
        expect(await findings(icc, waiver("2026-07-15"))).toEqual([{
            policy: "GNH-DAEMON-ICC",
            enforcementLevel: "advisory",
            message: 'node gpu-01: GNH-DAEMON-ICC: WAIVED until 2026-07-15 by alice@example.com (NCCL over docker0 (INC-42); waiver 1): daemon.json "icc" is true; it must be false. Fix: Set "icc": false in /etc/docker/daemon.json; link containers explicitly through user-defined networks.',
        }]);
    });

    it("an expired waiver is a mandatory violation that says when it expired and whose it was", async () => {
        const [finding] = await findings(icc, waiver("2026-07-14"));
        expect(finding.enforcementLevel).toBe("mandatory");
        expect(finding.message).toContain("node gpu-01: GNH-DAEMON-ICC: the waiver 1 (gpu-0?-*, owner alice@example.com: NCCL over docker0 (INC-42)) expired on 2026-07-14: daemon.json \"icc\" is true");
        // even on a rule configured as advisory
        const advisory = await findings(icc, { ...waiver("2026-07-14"), "GNH-DAEMON-ICC": "advisory" });
        expect(only(advisory)).toEqual(["mandatory GNH-DAEMON-ICC"]);
    });

    it("waives only the named rule on the named resources", async () => {
        expect(only(await findings(daemonResource("gpu-11", { icc: true }), waiver("2099-01-01")))).toEqual(["mandatory GNH-DAEMON-ICC"]);
        expect(only(await findings(daemonResource("gpu-01", { "live-restore": false }), waiver("2099-01-01")))).toEqual(["mandatory GNH-DAEMON-LIVE-RESTORE"]);
    });

    it("reports malformed waivers once, on the stack, as mandatory; they waive nothing", async () => {
        const bad = waiver("2099-02-30");
        const stack = await findings({ type: "pulumi:pulumi:Stack", name: "fleet-prod", props: {} }, bad);
        expect(stack).toEqual([{
            policy: "GNH-WAIVERS",
            enforcementLevel: "mandatory",
            message: 'Waivers: time-limited, owned exceptions to the rules\nGNH-WAIVERS: malformed waiver 1 (GNH-DAEMON-ICC on gpu-0?-*): "expires" "2099-02-30" is not a date YYYY-MM-DD. It waives nothing until fixed.',
        }]);
        expect(only(await findings(icc, bad))).toEqual(["mandatory GNH-DAEMON-ICC"]);
    });

    it("disabling GNH-WAIVERS switches waivers off", async () => {
        expect(only(await findings(icc, { ...waiver("2099-01-01"), "GNH-WAIVERS": "disabled" }))).toEqual(["mandatory GNH-DAEMON-ICC"]);
    });
});

describe("unknown values at preview", () => {
    it("a mandatory rule blocks, naming the value; rules that do not read it still judge", async () => {
        const list = await findings(daemonResource("gpu-01", { icc: unknown, "live-restore": false }));
        expect(list).toEqual([
            {
                policy: "GNH-DAEMON-ICC",
                enforcementLevel: "mandatory",
                message: 'Inter-container communication on the default bridge is off\nnode gpu-01: GNH-DAEMON-ICC: cannot verify at preview: the value at .settings.icc is unknown until the resources it comes from exist (blocking, not guessing; "unknownAtPreview": "defer" in this rule\'s config leaves it to pulumi up). Fix: Set "icc": false in /etc/docker/daemon.json; link containers explicitly through user-defined networks.',
            },
            expect.objectContaining({ policy: "GNH-DAEMON-LIVE-RESTORE", enforcementLevel: "mandatory" }),
        ]);
    });

    it("defer reports advice and leaves the verdict to pulumi up", async () => {
        const list = await findings(daemonResource("gpu-01", { icc: unknown }), { "GNH-DAEMON-ICC": { unknownAtPreview: "defer" } });
        expect(list).toEqual([{
            policy: "GNH-DAEMON-ICC",
            enforcementLevel: "advisory",
            message: "node gpu-01: GNH-DAEMON-ICC: deferred to pulumi up: the value at .settings.icc is unknown at preview; the rule runs again on the real value during the update, at its configured level",
        }]);
    });

    it("an unknown container image (a RemoteImage's output) blocks the image rule only; an unknown privileged flag blocks its rule only", async () => {
        expect(only(await findings(containerResource("trainer", 0, { image: unknown })))).toEqual(["mandatory GNH-CONTAINER-IMAGE-PINNED"]);
        expect(only(await findings(containerResource("trainer", 0, { privileged: unknown })))).toEqual(["mandatory GNH-CONTAINER-PRIVILEGED"]);
    });

    it("a whole unknown input affects the rules that read it", async () => {
        const list = await findings(toolkitResource("gpu-01", { version: unknown }));
        expect(only(list)).toEqual(["mandatory GNH-TOOLKIT-ADVISORIES", "mandatory GNH-TOOLKIT-COMPAT-HOOK"]);
        expect(list.every((f) => f.message.includes("the value at .version is unknown"))).toBe(true);
    });
});

describe("remediation", () => {
    const remediate = (policyName: string, resource: SyntheticResource) => {
        const policy = pack.find((p) => p.name === policyName)!;
        const props = structuredClone(resource.props);
        return policy.remediateResource?.({ type: resource.type, name: resource.name, urn: "urn:x", props, getConfig: () => ({}) } as unknown as ResourceValidationArgs);
    };

    it("is offered by the documented rules only", () => {
        expect(pack.filter((p) => p.remediateResource !== undefined).map((p) => p.name).sort())
            .toEqual(["GNH-DAEMON-ICC", "GNH-DAEMON-LIVE-RESTORE", "GNH-DAEMON-USERLAND-PROXY", "GNH-TOOLKIT-CONTAINER-LIBS"]);
        expect(remediations.every((r) => r.why.length > 20)).toBe(true);
    });

    it("sets the catalog's value on our resource's inputs, and leaves compliant inputs alone", async () => {
        const fixed = remediate("GNH-DAEMON-ICC", daemonResource("gpu-01", { icc: true })) as Record<string, { icc: boolean }>;
        expect(fixed.settings.icc).toBe(false);
        expect(await findings({ ...daemonResource("gpu-01"), props: fixed })).toEqual([]);
        expect(remediate("GNH-DAEMON-ICC", daemonResource("gpu-01"))).toBeUndefined();
        expect(remediate("GNH-DAEMON-ICC", containerResource("trainer", 0))).toBeUndefined();
        const libs = remediate("GNH-TOOLKIT-CONTAINER-LIBS", toolkitResource("gpu-01", { runtimeConfig: { "features.allow-ldconfig-from-container": true } })) as Record<string, Record<string, boolean>>;
        expect(libs.runtimeConfig["features.allow-ldconfig-from-container"]).toBe(false);
        expect(libs.runtimeConfig["features.allow-cuda-compat-libs-from-container"]).toBeUndefined();
    });
});
