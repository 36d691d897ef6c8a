// The docker-bench-security comparison: which of its warnings our benchmark view matches, per
// control and, for sections 4 and 5, per container.
import { describe, expect, it } from "vitest";
import { compareReports, renderComparison } from "../../scripts/docker-bench/compare";

const bench = {
    tests: [
        { id: "2", results: [{ id: "2.9", desc: "Enable user namespace support", result: "WARN" }, { id: "2.2", desc: "icc", result: "PASS" }] },
        { id: "5", results: [
            { id: "5.5", desc: "privileged", result: "WARN", items: ["cb-privileged"] },
            { id: "5.8", desc: "privileged ports", result: "WARN", items: ["cb-ports:80"] },
            { id: "5.3", desc: "SELinux", result: "WARN", items: ["cb-default", "cb-label"] },
        ] },
    ],
};
const ours = {
    nodes: [{
        node: "gnh-node-3",
        controls: [
            { id: "2.9", status: "WARN", details: [], findings: [{ target: "host" }] },
            { id: "5.5", status: "FAIL", details: [], findings: [{ target: "container cb-privileged" }] },
            { id: "5.8", status: "WARN", details: [], findings: [{ target: "container cb-ports" }] },
            { id: "5.3", status: "FAIL", details: [], findings: [{ target: "container cb-label" }] },
        ],
    }],
};

describe("compareReports", () => {
    const rows = compareReports(bench, ours);

    it("lists every docker-bench warning with our status, and the containers we do not flag", () => {
        expect(rows.map((r) => [r.id, r.ours, r.missed])).toEqual([["2.9", "WARN", []], ["5.5", "FAIL", []], ["5.8", "WARN", []], ["5.3", "FAIL", ["cb-default"]]]);
    });

    it("counts (control, container) pairs in sections 4 and 5", () => {
        expect(renderComparison(rows)).toContain("in sections 4 and 5, 3 of 4 (control, container) warnings are also gnh-audit findings");
    });
});
