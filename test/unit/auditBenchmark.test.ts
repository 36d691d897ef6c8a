// The benchmark view of an audit: every CIS 1.6.0 control in order with PASS / WARN / FAIL / INFO /
// N/A and a score, in the four formats; SARIF validates and carries the benchmark as a taxonomy.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { benchmarkOf } from "../../audit/benchmark";
import { renderBenchmark } from "../../audit/benchmarkReport";
import { Finding, NodeResult } from "../../audit/evaluate";
import { CIS_DOCKER } from "../../lib/cisBenchmark";
import { sarifSchemaErrors } from "../support/sarifSchema";

const finding = (ruleId: string, status: Finding["status"], enforcement: Finding["enforcement"], message = "", target = "host"): Finding =>
    ({ node: "gnh-node-2", ruleId, target, status, message, severity: "high", enforcement, remediation: "fix it" });

const audited: NodeResult = {
    node: "gnh-node-2", status: "audited", containers: 2, durationMs: 700, warnings: [],
    findings: [
        finding("GNH-DAEMON-ICC", "pass", "mandatory"),
        finding("GNH-DAEMON-AUTHORIZATION", "fail", "advisory", 'daemon.json names no "authorization-plugins"'),
        finding("GNH-CONTAINER-PRIVILEGED", "pass", "mandatory", "", "container a"),
        finding("GNH-CONTAINER-PRIVILEGED", "fail", "mandatory", "container b is privileged", "container b"),
        finding("GNH-CONTAINER-APPARMOR", "not-applicable", "mandatory", "the host's Docker does not use AppArmor", "container a"),
        finding("GNH-CONTAINER-PORTS-REVIEW", "pass", "advisory", "container a publishes 127.0.0.1:8888->8888/tcp", "container a"),
    ],
};
const unreachable: NodeResult = { node: "gnh-gone", status: "unreachable", error: "cannot reach root@127.0.0.1:9", containers: 0, durationMs: 5, warnings: [], findings: [] };
const context = { toolVersion: "0.1.0", fleetFile: "fleet.yaml", fleetText: "nodes:\n  - name: gnh-node-2\n", startedAt: new Date("2026-11-30T00:00:00Z") };

describe("the CIS 1.6.0 view of a node", () => {
    const view = benchmarkOf(audited);
    const status = (id: string) => view.controls.find((c) => c.id === id)?.status;

    it("lists every control and heading in the benchmark's order", () => {
        expect(view.controls.map((c) => c.id)).toEqual(CIS_DOCKER.controls.map((c) => c.id));
    });

    it("reads a control from its rules: any mandatory failure FAIL, an advisory one WARN, a pass PASS, only n/a N/A", () => {
        expect(status("5.5")).toBe("FAIL");
        expect(status("2.12")).toBe("WARN");
        expect(status("2.2")).toBe("PASS");
        expect(status("5.2")).toBe("N/A");
        expect(status("5.9")).toBe("PASS");
        expect(view.controls.find((c) => c.id === "5.5")?.details).toEqual(["GNH-CONTAINER-PRIVILEGED container b: container b is privileged"]);
    });

    it("says INFO, with the reason, for a control out of scope or left out of the run", () => {
        expect(status("4.9")).toBe("INFO");
        expect(view.controls.find((c) => c.id === "4.9")?.details[0]).toMatch(/^out of scope: About how images are built/);
        expect(view.controls.find((c) => c.id === "2.3")?.details[0]).toBe("not judged: GNH-DAEMON-LOG-LEVEL left out of this run");
    });

    it("scores as docker-bench-security does: PASS up, WARN and FAIL down", () => {
        expect(view.counts).toMatchObject({ PASS: 2, WARN: 1, FAIL: 1, "N/A": 1 });
        expect(view.score).toBe(0);
    });
});

describe("the formats", () => {
    it("table: one line per control, failures explained, a score per node, the unreachable node named", () => {
        const table = renderBenchmark("table", [audited, unreachable], context);
        expect(table).toContain("== gnh-node-2: CIS Docker Benchmark 1.6.0 (audited)");
        expect(table).toContain("[INFO] 5 - Container Runtime");
        expect(table).toContain("[FAIL] 5.5 - Ensure that privileged containers are not used\n       * GNH-CONTAINER-PRIVILEGED container b: container b is privileged");
        expect(table).toContain("[WARN] 2.12 - Ensure that authorization for Docker client commands is enabled");
        expect(table).toContain("[N/A]  5.2 - ");
        expect(table).toMatch(/Score: 0 \(PASS 2, WARN 1, FAIL 1, INFO \d+, N\/A 1\)/);
        expect(table).toContain("== gnh-gone: CIS Docker Benchmark 1.6.0 (unreachable)\n   cannot reach root@127.0.0.1:9");
    });

    it("JSON carries the benchmark, the score and every control", () => {
        const json = JSON.parse(renderBenchmark("json", [audited], context));
        expect(json.benchmark).toEqual({ name: "CIS Docker Benchmark", version: "1.6.0" });
        expect(json.nodes[0].score).toBe(0);
        expect(json.nodes[0].controls).toHaveLength(CIS_DOCKER.controls.length);
    });

    it("SARIF validates, and each result points at its controls in the benchmark taxonomy", () => {
        const sarif = JSON.parse(renderBenchmark("sarif", [audited], context));
        expect(sarifSchemaErrors(sarif)).toEqual([]);
        const run = sarif.runs[0];
        expect(run.taxonomies[0]).toMatchObject({ name: "CIS Docker Benchmark", version: "1.6.0" });
        const privileged = run.results.find((r: { ruleId: string }) => r.ruleId === "GNH-CONTAINER-PRIVILEGED");
        expect(privileged.taxa).toEqual([{ id: "5.5", index: run.taxonomies[0].taxa.findIndex((t: { id: string }) => t.id === "5.5"), toolComponent: { name: "CIS Docker Benchmark", index: 0 } }]);
    });

    it("JUnit: a test case per control, WARN and FAIL as failures, INFO and N/A skipped", () => {
        const xml = renderBenchmark("junit", [audited, unreachable], context);
        expect(XMLValidator.validate(xml)).toBe(true);
        const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) }).parse(xml);
        const [node, gone] = doc.testsuites.testsuite as { tests: string; failures: string; errors: string; testcase: Record<string, unknown>[] }[];
        expect(Number(node.tests)).toBe(CIS_DOCKER.controls.filter((c) => !c.section).length);
        expect(node.failures).toBe("2");
        expect(node.testcase.find((t) => String(t.name).startsWith("5.5 "))).toMatchObject({ failure: { type: "mandatory" } });
        expect(gone).toMatchObject({ tests: "1", errors: "1" });
    });
});
