// NVIDIA publishes its product security bulletins as CSAF 2.0 (github.com/NVIDIA/product-security,
// <year>/<a_id>/<a_id>.json). This turns one such document into an entry of data/advisories.json's
// "toolkit" list: the affected range and fixed version per product from the product tree's
// version leaves ("All versions up to and including 1.19.0", "1.19.1"), the CVEs, the highest
// CVSS score and severity, and where it was read. Pure: scripts/advisoryFromCsaf.ts does the I/O.
import { AdvisorySeverity, ToolkitAdvisory } from "./advisories";

export class CsafError extends Error {}

interface CsafBranch {
    readonly category?: string;
    readonly name?: string;
    readonly product?: { readonly name?: string; readonly product_id?: string };
    readonly branches?: readonly CsafBranch[];
}

interface CsafDocument {
    readonly document?: {
        readonly title?: string;
        readonly tracking?: { readonly id?: string; readonly version?: string; readonly current_release_date?: string; readonly initial_release_date?: string };
    };
    readonly product_tree?: { readonly branches?: readonly CsafBranch[] };
    readonly vulnerabilities?: readonly {
        readonly cve?: string;
        readonly scores?: readonly { readonly cvss_v3?: { readonly baseScore?: number; readonly baseSeverity?: string } }[];
        readonly notes?: readonly { readonly category?: string; readonly title?: string; readonly text?: string }[];
    }[];
}

const TOOLKIT = "NVIDIA Container Toolkit";
const OPERATOR = "NVIDIA GPU Operator";
const UP_TO = /up to and including\s+v?(\d+(?:\.\d+)+)/i;
const VERSION = /^v?(\d+(?:\.\d+)+)$/;

/** Every product_version leaf, as [product name, version text]. */
function versionLeaves(branches: readonly CsafBranch[] | undefined, into: [string, string][] = []): [string, string][] {
    for (const branch of branches ?? []) {
        if (branch.category === "product_version" && branch.name !== undefined && branch.product?.name !== undefined) {
            into.push([branch.name, branch.product.name]);
        }
        versionLeaves(branch.branches, into);
    }
    return into;
}

function rangeOf(leaves: readonly [string, string][], product: string): { affectedUpTo: string; fixedIn: string } | undefined {
    const texts = leaves.filter(([name]) => name === product).map(([, text]) => text.trim());
    const affected = texts.map((t) => UP_TO.exec(t)?.[1]).filter((v): v is string => v !== undefined);
    const fixed = texts.map((t) => VERSION.exec(t)?.[1]).filter((v): v is string => v !== undefined);
    if (affected.length === 0 && fixed.length === 0) {
        return undefined;
    }
    if (affected.length !== 1 || fixed.length !== 1) {
        throw new CsafError(`${product}: expected one "All versions up to and including X" and one fixed version in the product tree, found ${JSON.stringify(texts)}: edit the entry by hand`);
    }
    return { affectedUpTo: affected[0], fixedIn: fixed[0] };
}

const SEVERITY_ORDER: readonly AdvisorySeverity[] = ["low", "medium", "high", "critical"];

/** The data/advisories.json toolkit entry for one NVIDIA CSAF document; csafUrl is where it was read. */
export function toolkitAdvisoryFromCsaf(doc: CsafDocument, csafUrl: string): ToolkitAdvisory & { readonly reviewNotes: readonly string[] } {
    const id = doc.document?.tracking?.id;
    if (id === undefined || !/^\d+$/.test(id)) {
        throw new CsafError("document.tracking.id is not an NVIDIA bulletin number");
    }
    const leaves = versionLeaves(doc.product_tree?.branches);
    const toolkit = rangeOf(leaves, TOOLKIT);
    if (toolkit === undefined) {
        throw new CsafError(`bulletin ${id} names no ${TOOLKIT} versions: not a toolkit advisory`);
    }
    const operator = rangeOf(leaves, OPERATOR);
    const vulnerabilities = doc.vulnerabilities ?? [];
    const cves = vulnerabilities.map((v) => v.cve).filter((c): c is string => typeof c === "string" && /^CVE-\d{4}-\d+$/.test(c));
    if (cves.length === 0) {
        throw new CsafError(`bulletin ${id} lists no CVE`);
    }
    const scores = vulnerabilities.flatMap((v) => v.scores ?? []).map((s) => s.cvss_v3).filter((s) => s !== undefined);
    const cvss = Math.max(...scores.map((s) => s.baseScore ?? 0));
    const severity = scores.map((s) => (s.baseSeverity ?? "").toLowerCase() as AdvisorySeverity)
        .filter((s) => SEVERITY_ORDER.includes(s))
        .sort((a, b) => SEVERITY_ORDER.indexOf(b) - SEVERITY_ORDER.indexOf(a))[0];
    if (severity === undefined) {
        throw new CsafError(`bulletin ${id} has no CVSS v3 severity`);
    }
    const tracking = doc.document?.tracking;
    const notes = vulnerabilities.flatMap((v) => v.notes ?? [])
        .filter((n) => /mitigation|workaround/i.test(`${n.category ?? ""} ${n.title ?? ""}`))
        .map((n) => (n.text ?? "").trim())
        .filter((t) => t !== "");
    return {
        id: `NVIDIA-${id}`,
        cves,
        severity,
        cvss,
        affectedUpTo: toolkit.affectedUpTo,
        fixedIn: toolkit.fixedIn,
        ...(operator === undefined ? {} : { gpuOperator: operator }),
        source: `https://nvidia.custhelp.com/app/answers/detail/a_id/${id}`,
        csaf: csafUrl,
        verified: `read in NVIDIA's CSAF document ${csafUrl} (revision ${tracking?.version ?? "?"}, ${(tracking?.current_release_date ?? "").slice(0, 10)}): ${TOOLKIT} up to and including ${toolkit.affectedUpTo}, fixed in ${toolkit.fixedIn}`,
        cdi: "unknown: check the bulletin's notes",
        mitigations: [],
        reviewNotes: notes,
    };
}

/** data/advisories.json with this entry added, or replacing the entry of the same id; updated set to today. */
export function mergeToolkitAdvisory(data: Record<string, unknown>, entry: ToolkitAdvisory, today: string): Record<string, unknown> {
    const toolkit = ((data.toolkit ?? []) as ToolkitAdvisory[]).filter((e) => e.id !== entry.id);
    return { ...data, updated: today, toolkit: [...toolkit, entry] };
}
