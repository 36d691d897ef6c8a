// An NVIDIA CSAF 2.0 bulletin (the shape github.com/NVIDIA/product-security publishes) becomes a
// toolkit entry of the advisory data that the tools accept.
import { describe, expect, it } from "vitest";
import builtIn from "../../data/advisories.json";
import { parseAdvisories, toolkitAdvisoriesFor } from "../../lib/advisories";
import { CsafError, mergeToolkitAdvisory, toolkitAdvisoryFromCsaf } from "../../lib/csafAdvisory";

const leaf = (product: string, name: string) => ({ category: "product_version", name: product, product: { name, product_id: name.replace(/\W+/g, "_") } });

/** A bulletin written for this test, in NVIDIA's CSAF layout. */
const csaf = {
    document: { title: "Security Bulletin: NVIDIA Container Toolkit - March 2027", tracking: { id: "9901", version: "1.0.0", initial_release_date: "2027-03-10T00:00:00.000Z", current_release_date: "2027-03-12T00:00:00.000Z" } },
    product_tree: {
        branches: [{
            category: "vendor", name: "NVIDIA", branches: [{
                category: "architecture", name: "Linux", branches: [
                    leaf("NVIDIA Container Toolkit", "1.20.3"),
                    leaf("NVIDIA Container Toolkit", "All versions up to and including 1.20.2"),
                    leaf("NVIDIA GPU Operator", "26.9.1"),
                    leaf("NVIDIA GPU Operator", "All versions up to and including 26.9.0"),
                ],
            }],
        }],
    },
    vulnerabilities: [
        { cve: "CVE-2027-10001", scores: [{ cvss_v3: { baseScore: 7.1, baseSeverity: "HIGH" } }], notes: [{ category: "general", title: "Mitigation Notes", text: "Set features.example = false." }] },
        { cve: "CVE-2027-10002", scores: [{ cvss_v3: { baseScore: 9.3, baseSeverity: "CRITICAL" } }] },
    ],
};
const URL = "https://raw.githubusercontent.com/NVIDIA/product-security/main/2027/9901/9901.json";

describe("advisory data from NVIDIA's CSAF", () => {
    it("reads the range, the fix, the CVEs and the highest score from the product tree", () => {
        const entry = toolkitAdvisoryFromCsaf(csaf, URL);
        expect(entry).toMatchObject({
            id: "NVIDIA-9901", cves: ["CVE-2027-10001", "CVE-2027-10002"], severity: "critical", cvss: 9.3,
            affectedUpTo: "1.20.2", fixedIn: "1.20.3", gpuOperator: { affectedUpTo: "26.9.0", fixedIn: "26.9.1" },
            source: "https://nvidia.custhelp.com/app/answers/detail/a_id/9901", csaf: URL, mitigations: [],
            reviewNotes: ["Set features.example = false."],
        });
        expect(entry.verified).toBe(`read in NVIDIA's CSAF document ${URL} (revision 1.0.0, 2027-03-12): NVIDIA Container Toolkit up to and including 1.20.2, fixed in 1.20.3`);
    });

    it("merges into the data so that the tools judge by it, replacing an entry of the same id", () => {
        const { reviewNotes: _notes, ...entry } = toolkitAdvisoryFromCsaf(csaf, URL);
        const merged = mergeToolkitAdvisory(JSON.parse(JSON.stringify(builtIn)), entry, "2027-03-12");
        const data = parseAdvisories(merged, "merged");
        expect(data.updated).toBe("2027-03-12");
        expect(toolkitAdvisoriesFor("1.20.2", data).map((a) => a.id)).toEqual(["NVIDIA-9901"]);
        expect(mergeToolkitAdvisory(merged, { ...entry, fixedIn: "1.20.4" }, "2027-03-13").toolkit).toHaveLength(builtIn.toolkit.length + 1);
    });

    it("refuses what it cannot read exactly, rather than guessing", () => {
        expect(() => toolkitAdvisoryFromCsaf({ ...csaf, document: { tracking: { id: "x" } } }, URL)).toThrow(CsafError);
        const twoFixes = { ...csaf, product_tree: { branches: [leaf("NVIDIA Container Toolkit", "1.20.3"), leaf("NVIDIA Container Toolkit", "1.19.2"), leaf("NVIDIA Container Toolkit", "All versions up to and including 1.20.2")] } };
        expect(() => toolkitAdvisoryFromCsaf(twoFixes, URL)).toThrow(/expected one "All versions up to and including X" and one fixed version/);
        const driverOnly = { ...csaf, product_tree: { branches: [leaf("GPU Display Driver", "580.95.05")] } };
        expect(() => toolkitAdvisoryFromCsaf(driverOnly, URL)).toThrow("bulletin 9901 names no NVIDIA Container Toolkit versions: not a toolkit advisory");
    });
});
