// What a hardening rule is. A rule is data plus one pure check: it imports neither Pulumi nor
// SSH code, so the policy packs (on resource inputs), the live audit (on probed facts), the
// components (which apply `desired`) and the docs generator all use the same object.

export type Severity = "critical" | "high" | "medium" | "low";
export type EnforcementLevel = "mandatory" | "advisory";
/** preview: checkable from resource inputs in a pull request; audit: only on a live host. */
export type CheckedAt = "preview" | "audit";

export interface ControlRef {
    readonly framework: "CIS Docker Benchmark 1.6" | "seed checklist" | "NVIDIA security bulletin";
    readonly id: string;
}

/** Control references, spelled once. */
export const cis = (id: string): ControlRef => ({ framework: "CIS Docker Benchmark 1.6", id });
export const seed = (id: string): ControlRef => ({ framework: "seed checklist", id });
export const nvidiaBulletin = (id: string): ControlRef => ({ framework: "NVIDIA security bulletin", id });

export type Verdict =
    /** note: why a pass is a pass when it is not obvious ("mitigated by ...") */
    | { readonly status: "pass"; readonly note?: string }
    /**
     * atPreview "advisory": a finding the audit fails, but that a preview reports without blocking
     * (a node left on a version whose advisory appeared later: blocking would block its drift repair).
     */
    | { readonly status: "fail"; readonly message: string; readonly atPreview?: "advisory" }
    | { readonly status: "not-applicable"; readonly reason: string };

export interface Rule<Facts> {
    /** Stable, never reused. A renamed rule keeps its old id in `aliases`. */
    readonly id: string;
    readonly aliases?: readonly string[];
    readonly title: string;
    readonly severity: Severity;
    readonly controls: readonly ControlRef[];
    readonly rationale: string;
    readonly remediation: string;
    readonly links?: readonly string[];
    readonly enforcement: EnforcementLevel;
    readonly checkedAt: readonly CheckedAt[];
    readonly evaluate: (facts: Facts) => Verdict;
}

export const pass: Verdict = { status: "pass" };
export const fail = (message: string, options: { atPreview?: "advisory" } = {}): Verdict => ({ status: "fail", message, ...options });
export const passWithNote = (note: string): Verdict => ({ status: "pass", note });
export const notApplicable = (reason: string): Verdict => ({ status: "not-applicable", reason });
