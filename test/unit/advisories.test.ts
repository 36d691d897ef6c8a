// Advisories as data: the built-in file is complete and sourced, the default pin is never listed
// as affected, a newer file replaces it, and the toolkit rule refuses only new or changed pins.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
    AdvisoryDataError, advisoryDataStatus, BUILT_IN_ADVISORIES, driverAdvisoriesFor, loadAdvisories, parseAdvisories, parseDriverVersion, toolkitAdvisoriesFor,
} from "../../lib/advisories";
import { DEFAULT_TOOLKIT_VERSION } from "../../lib/toolkitConfig";
import { desiredRuntimeConfig } from "../../rules/toolkitRules";
import { decideReport } from "../../policies/violationReport";
import { toolkitAdvisories } from "../../rules/toolkitRules";
import builtIn from "../../data/advisories.json";

const toolkitFacts = (version: string, pinChange?: "new" | "changed" | "unchanged", advisories = BUILT_IN_ADVISORIES) =>
    ({ toolkit: { version, runtimeConfig: desiredRuntimeConfig(version), pinChange }, advisories });

describe("advisory data", () => {
    it("never lists the default pin as affected (a data update must not silently upgrade a fleet)", () => {
        expect(toolkitAdvisoriesFor(DEFAULT_TOOLKIT_VERSION)).toEqual([]);
        expect(toolkitAdvisories.evaluate(toolkitFacts(DEFAULT_TOOLKIT_VERSION, "new"))).toEqual({ status: "pass" });
    });

    it("has every NVIDIA toolkit bulletin since 2024, each with its source and how it was verified", () => {
        expect(BUILT_IN_ADVISORIES.toolkit.flatMap((a) => a.cves)).toEqual([
            "CVE-2024-0132", "CVE-2024-0133", "CVE-2024-0134", "CVE-2024-0135", "CVE-2024-0136", "CVE-2024-0137",
            "CVE-2025-23359", "CVE-2025-23266", "CVE-2025-23267", "CVE-2026-24260",
        ]);
        const entries = [...BUILT_IN_ADVISORIES.toolkit, ...BUILT_IN_ADVISORIES.runc, ...BUILT_IN_ADVISORIES.engine, ...BUILT_IN_ADVISORIES.driver];
        for (const entry of entries) {
            expect(entry.source, entry.id).toMatch(/^https:\/\//);
            expect(entry.verified, entry.id).toMatch(/^(read in|upstream:|sources disagree|unverified|debian:)/);
        }
        const cve2026 = BUILT_IN_ADVISORIES.toolkit.find((a) => a.cves.includes("CVE-2026-24260"))!;
        expect(cve2026).toMatchObject({ affectedUpTo: "1.19.0", fixedIn: "1.19.1", severity: "high", cvss: 8.5, gpuOperator: { affectedUpTo: "26.3.1", fixedIn: "26.3.2" } });
    });

    it("refuses data without a source, a date or versions, naming the file, the list, the entry and the key", () => {
        const broken = JSON.parse(JSON.stringify(builtIn)) as { updated: string; toolkit: Record<string, unknown>[] };
        delete broken.toolkit[5].source;
        broken.toolkit[2].fixedIn = "soon";
        broken.updated = "last week";
        expect(() => parseAdvisories(broken, "/srv/advisories.json")).toThrow(AdvisoryDataError);
        const message = (() => { try { parseAdvisories(broken, "/srv/advisories.json"); } catch (e) { return (e as Error).message; } return ""; })();
        expect(message).toContain('/srv/advisories.json: "updated" must be a date');
        expect(message).toContain('/srv/advisories.json: toolkit[5] (NVIDIA-5850): "source" must be the https URL the entry was taken from');
        expect(message).toContain('/srv/advisories.json: toolkit[2] (NVIDIA-5599): "fixedIn" must be a version');
    });

    it("loads a newer file instead of the built-in one, and says which file could not be read", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-advisories-"));
        try {
            const newer = JSON.parse(JSON.stringify(builtIn)) as { updated: string; toolkit: Record<string, unknown>[] };
            newer.updated = "2027-01-15";
            newer.toolkit.push({ ...newer.toolkit[5], id: "NVIDIA-9999", cves: ["CVE-2027-0001"], affectedUpTo: "1.20.2", fixedIn: "1.20.3", noFixOnBranches: [] });
            const file = path.join(dir, "advisories.json");
            fs.writeFileSync(file, JSON.stringify(newer));
            const data = loadAdvisories(file);
            expect(data).toMatchObject({ updated: "2027-01-15", origin: file });
            expect(toolkitAdvisoriesFor("1.20.2", data).map((a) => a.id)).toEqual(["NVIDIA-9999"]);
            fs.writeFileSync(path.join(dir, "bad.json"), "{ not json");
            expect(() => loadAdvisories(path.join(dir, "bad.json"))).toThrow(`advisory data ${path.join(dir, "bad.json")} is not JSON`);
            expect(() => loadAdvisories(path.join(dir, "absent.json"))).toThrow(`advisory data ${path.join(dir, "absent.json")} cannot be read (ENOENT)`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("warns when the data is older than 90 days", () => {
        const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
        expect(advisoryDataStatus(BUILT_IN_ADVISORIES, day("2027-02-27")).warning).toBeUndefined();
        expect(advisoryDataStatus(BUILT_IN_ADVISORIES, day("2027-03-02")).warning).toBe(
            "advisory data of 2026-11-30 (data/advisories.json (built in)) is 92 days old (more than 90): newer advisories are not judged; update it (docs/advisories.md)",
        );
    });
});

describe("the toolkit advisories rule at preview and in the audit", () => {
    it("refuses a new node or a changed pin on a version with a fixed high advisory, naming the CVE and the fix", () => {
        for (const change of ["new", "changed", undefined] as const) {
            const verdict = toolkitAdvisories.evaluate(toolkitFacts("1.18.2", change));
            expect(verdict).toMatchObject({ status: "fail", message: expect.stringContaining("CVE-2026-24260 (high 8.5, NVIDIA-5850: fixed in 1.19.1") });
            expect(verdict).not.toHaveProperty("atPreview");
        }
    });

    it("only advises at preview on a node whose pin this run leaves alone; the audit still fails it", () => {
        const verdict = toolkitAdvisories.evaluate(toolkitFacts("1.17.8", "unchanged"));
        expect(verdict).toMatchObject({ status: "fail", atPreview: "advisory" });
        const report = decideReport({ ruleId: "GNH-TOOLKIT-ADVISORIES", fix: "upgrade", subject: "node gnh-node-3", outcome: { kind: "verdict", verdict }, unknownAtPreview: "block", now: new Date() });
        expect(report).toMatchObject({ enforcementLevel: "advisory", message: expect.stringContaining("this run does not change it: advice at preview, a failure in the audit") });
    });

    it("honours a documented mitigation that covers every CVE of an advisory, and says so", () => {
        const data = parseAdvisories({
            ...JSON.parse(JSON.stringify(builtIn)),
            toolkit: [{ ...builtIn.toolkit[4], cves: ["CVE-2025-23266"], mitigations: [{ text: "hook disabled", config: { "features.disable-cuda-compat-lib-hook": true }, from: "1.17.5" }] }],
        }, "test");
        const off = { toolkit: { version: "1.17.7", runtimeConfig: desiredRuntimeConfig("1.17.7"), pinChange: "new" as const }, advisories: data };
        expect(off.toolkit.runtimeConfig["features.disable-cuda-compat-lib-hook"]).toBe(true);
        expect(toolkitAdvisories.evaluate(off)).toEqual({ status: "pass", note: expect.stringContaining("toolkit 1.17.7: CVE-2025-23266 mitigated by hook disabled (fixed in 1.17.8") });
        const on = { ...off, toolkit: { ...off.toolkit, runtimeConfig: { ...off.toolkit.runtimeConfig, "features.disable-cuda-compat-lib-hook": false } } };
        expect(toolkitAdvisories.evaluate(on).status).toBe("fail");
    });
});

describe("driver advisories", () => {
    it("reads the loaded driver's version from /proc/driver/nvidia/version, proprietary and open modules", () => {
        expect(parseDriverVersion("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.274.02  Fri Sep 26 09:34:17 UTC 2025\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n")).toBe("535.274.02");
        expect(parseDriverVersion("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.95.05  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Sep 23 09:38:52 UTC 2025\n")).toBe("580.95.05");
        expect(parseDriverVersion("something else\n")).toBeUndefined();
    });

    it("judges a driver by its branch's fix, and a branch the bulletin leaves without a fix as affected", () => {
        expect(driverAdvisoriesFor("580.159.03")).toEqual([]);
        expect(driverAdvisoriesFor("580.95.05").map((a) => `${a.advisory.id} ${a.reason}`)).toEqual(["NVIDIA-5821 fixed in 580.159.03 on the R580 branch"]);
        expect(driverAdvisoriesFor("580.82.07").map((a) => a.advisory.id)).toEqual(["NVIDIA-5821", "NVIDIA-5703"]);
        expect(driverAdvisoriesFor("570.195.03").map((a) => a.advisory.id)).toEqual(["NVIDIA-5821"]);
        expect(driverAdvisoriesFor("610.10")).toEqual([]);
    });
});
