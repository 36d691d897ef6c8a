// What a hardening rule is. A rule is data plus one pure check: it imports neither Pulumi nor
// SSH code, so the policy packs (on resource inputs), the live audit (on probed facts), the
// components (which apply `desired`) and the docs generator all use the same object.

import { CIS_DOCKER } from "../lib/cisBenchmark";

export type Severity = "critical" | "high" | "medium" | "low";
export type EnforcementLevel = "mandatory" | "advisory";
/** preview: checkable from resource inputs in a pull request; audit: only on a live host. */
export type CheckedAt = "preview" | "audit";

/** A control a rule implements: a benchmark (with its version where it has one) and the control's id there. */
export interface ControlRef {
    readonly benchmark: string;
    readonly version?: string;
    readonly id: string;
}

/** Control references, spelled once; CIS ids must exist in data/cis-docker-1.6.0.json (a test checks). */
export const cis = (id: string): ControlRef => ({ benchmark: CIS_DOCKER.benchmark, version: CIS_DOCKER.version, id });
export const seed = (id: string): ControlRef => ({ benchmark: "seed checklist", id });
export const nvidiaBulletin = (id: string): ControlRef => ({ benchmark: "NVIDIA security bulletin", id });

export const isCis = (control: ControlRef): boolean => control.benchmark === CIS_DOCKER.benchmark && control.version === CIS_DOCKER.version;

/** "CIS Docker Benchmark 1.6.0 5.5", "seed checklist containers run as non-root". */
export const controlLabel = (control: ControlRef): string => [control.benchmark, control.version, control.id].filter(Boolean).join(" ");

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

/** Controls without repeats, in first-seen order. */
export function uniqueControls(controls: readonly ControlRef[]): ControlRef[] {
    const seen = new Set<string>();
    return controls.filter((c) => {
        const label = controlLabel(c);
        return seen.has(label) ? false : (seen.add(label), true);
    });
}
