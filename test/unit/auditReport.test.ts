// Reporters: SARIF validates against the SARIF 2.1.0 JSON schema that Microsoft's
// @microsoft/jest-sarif package ships (validated with ajv, as that package does); JUnit XML parses
// and counts what it should; the table shows each failure with its fix; JSON round-trips.
import * as fs from "node:fs";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { NodeResult } from "../../audit/evaluate";
import { nodeLine, renderJson, renderJunit, renderSarif, renderTable } from "../../audit/report";
import { catalog } from "../../rules/catalog";
import { SARIF_SCHEMA_PATH, sarifSchemaErrors } from "../support/sarifSchema";


const fleetText = `defaults:\n  user: root\nnodes:\n  - name: gnh-node-1\n    host: 127.0.0.1\n  - name: gnh-node-2\n    host: 127.0.0.1\n  - name: gnh-gone\n    host: 127.0.0.1\n`;

const results: NodeResult[] = [
    {
        node: "gnh-node-2", status: "audited", containers: 1, durationMs: 640, warnings: [],
        findings: [
            { node: "gnh-node-2", ruleId: "GNH-DAEMON-ICC", target: "host", status: "fail", message: 'daemon.json "icc" is true; it must be false', severity: "medium", enforcement: "mandatory", remediation: catalog.find((r) => r.id === "GNH-DAEMON-ICC")!.remediation },
            { node: "gnh-node-2", ruleId: "GNH-CONTAINER-PRIVILEGED", target: "container <priv&\"x\">", status: "fail", message: "container <priv&\"x\"> is privileged", severity: "critical", enforcement: "mandatory", remediation: "Remove --privileged." },
            { node: "gnh-node-2", ruleId: "GNH-DAEMON-USERNS-REMAP", target: "host", status: "fail", message: "no userns-remap", severity: "low", enforcement: "advisory", remediation: "Set it." },
            { node: "gnh-node-2", ruleId: "GNH-DAEMON-LIVE-RESTORE", target: "host", status: "pass", message: "", severity: "medium", enforcement: "mandatory", remediation: "r" },
            { node: "gnh-node-2", ruleId: "GNH-RUNTIME-SECCOMP-PROFILE", target: "host", status: "not-applicable", message: "no expected hash", severity: "high", enforcement: "mandatory", remediation: "r" },
        ],
    },
    { node: "gnh-gone", status: "unreachable", error: "cannot reach root@127.0.0.1:9 over SSH: Connection refused", containers: 0, durationMs: 12, warnings: [], findings: [] },
];

const context = { toolVersion: "0.1.0", fleetFile: ".lab/fleet.yaml", fleetText, startedAt: new Date("2025-01-01T00:00:00Z") };

describe("SARIF", () => {
    const sarif = renderSarif(results, context);

    it("validates against the SARIF 2.1.0 JSON schema", () => {
        expect(JSON.parse(fs.readFileSync(SARIF_SCHEMA_PATH, "utf8")).title).toMatch(/SARIF.*2\.1\.0/);
        expect(sarifSchemaErrors(sarif)).toEqual([]);
    });

    it("rejects an invalid log (the validator is really checking)", () => {
        expect(sarifSchemaErrors({ ...sarif, version: "2.0.0" })).not.toEqual([]);
        expect(sarifSchemaErrors({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).not.toEqual([]);
        // formats are checked too: a run whose start time is not a date-time fails
        const run = (sarif.runs as unknown as Record<string, unknown>[])[0];
        const invocations = run.invocations as Record<string, unknown>[];
        expect(sarifSchemaErrors({ ...sarif, runs: [{ ...run, invocations: [{ ...invocations[0], startTimeUtc: "yesterday" }] }] })).not.toEqual([]);
    });

    it("carries the catalog's rule metadata and one result per failure, pointing at the node in the fleet file", () => {
        const run = (sarif.runs as unknown as Record<string, unknown>[])[0] as unknown as { tool: { driver: { rules: { id: string; shortDescription: { text: string }; help: { text: string } }[] } }; results: Record<string, unknown>[]; invocations: Record<string, unknown>[] };
        expect(run.tool.driver.rules.map((r) => r.id)).toEqual(catalog.map((r) => r.id));
        const icc = run.tool.driver.rules.find((r) => r.id === "GNH-DAEMON-ICC")!;
        expect(icc.shortDescription.text).toBe(catalog.find((r) => r.id === "GNH-DAEMON-ICC")!.title);
        expect(icc.help.text).toContain('Set "icc": false');
        expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([["GNH-DAEMON-ICC", "error"], ["GNH-CONTAINER-PRIVILEGED", "error"], ["GNH-DAEMON-USERNS-REMAP", "warning"]]);
        expect(run.results[0]).toMatchObject({
            ruleIndex: catalog.findIndex((r) => r.id === "GNH-DAEMON-ICC"),
            locations: [{ physicalLocation: { artifactLocation: { uri: ".lab/fleet.yaml" }, region: { startLine: 6 } } }],
        });
        expect(run.invocations[0]).toMatchObject({ executionSuccessful: false, toolExecutionNotifications: [{ level: "error", message: { text: expect.stringContaining("gnh-gone is unreachable") } }] });
    });

    it("fingerprints findings stably", () => {
        expect(JSON.stringify(renderSarif(results, context))).toBe(JSON.stringify(sarif));
    });
});

describe("JUnit XML", () => {
    const xml = renderJunit(results);

    it("is well-formed and counts tests, failures, errors and skips", () => {
        expect(XMLValidator.validate(xml)).toBe(true);
        const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) }).parse(xml);
        const suites = doc.testsuites.testsuite as Record<string, unknown>[];
        expect(doc.testsuites).toMatchObject({ tests: "6", failures: "3", errors: "1", skipped: "1" });
        expect(suites.map((s) => [s.name, s.tests, s.failures, s.errors])).toEqual([["gnh-node-2", "5", "3", "0"], ["gnh-gone", "1", "0", "1"]]);
        const cases = suites[0].testcase as Record<string, unknown>[];
        expect(cases[1]).toMatchObject({ classname: "gnh-node-2", name: 'GNH-CONTAINER-PRIVILEGED container <priv&"x">', failure: { type: "mandatory", message: 'container <priv&"x"> is privileged' } });
    });

    it("drops characters XML 1.0 cannot carry (a container name is the user's text)", () => {
        const odd = [{ ...results[0], findings: [{ ...results[0].findings[0], target: "container a\u0001b", message: "bell\u0007 <x>" }] }];
        const text = renderJunit(odd);
        expect(XMLValidator.validate(text)).toBe(true);
        expect(text).toContain('name="GNH-DAEMON-ICC container ab"');
        expect(text).toContain('message="bell &lt;x&gt;"');
    });
});

describe("the table", () => {
    it("lists failures first with their fix, and the unreachable node", () => {
        const table = renderTable(results, context);
        expect(table).toContain("== gnh-node-2: audited (1 container, 640 ms)");
        expect(table).toMatch(/FAIL {2}GNH-DAEMON-ICC +host: daemon.json "icc" is true; it must be false\n +fix: Set "icc": false/);
        expect(table).toMatch(/WARN {2}GNH-DAEMON-USERNS-REMAP/);
        expect(table).not.toContain("GNH-DAEMON-LIVE-RESTORE");
        expect(table).toContain("== gnh-gone: unreachable\n   cannot reach root@127.0.0.1:9 over SSH: Connection refused");
        expect(table).toContain("1/2 node(s) audited; 2 mandatory failure(s), 1 advisory warning(s), 1 pass(es); unreachable: gnh-gone");
        expect(renderTable(results, { ...context, verbose: true })).toContain("pass  GNH-DAEMON-LIVE-RESTORE");
    });
});

describe("JSON", () => {
    it("carries the summary and every finding", () => {
        const json = JSON.parse(renderJson(results, context));
        expect(json.summary).toEqual({ nodes: 2, audited: 1, unreachable: ["gnh-gone"], errors: [], failedMandatory: 2, failedAdvisory: 1, passed: 1, notApplicable: 1 });
        expect(json.nodes[0].findings).toHaveLength(5);
    });
});

describe("nodeLine", () => {
    it("finds a node's entry, or line 1", () => {
        expect(nodeLine(fleetText, "gnh-node-2")).toBe(6);
        expect(nodeLine(fleetText, "nope")).toBe(1);
        expect(nodeLine(undefined, "gnh-node-2")).toBe(1);
    });
});
