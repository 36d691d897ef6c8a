// What the pack reports for one rule on one resource: a rule's verdict (or the fact that preview
// could not read a value) combined with the configured level and any waiver. Pure, so the rules
// for waivers and unknowns are unit-tested without an engine.
import { isExpired, UnknownAtPreview, Verdict, Waiver } from "./ruleCatalog";

export type ReportLevel = "mandatory" | "advisory";

export type Outcome =
    | { readonly kind: "verdict"; readonly verdict: Verdict }
    /** The rule read a value that preview does not know; `path` is the input path (".settings.icc"). */
    | { readonly kind: "unknown"; readonly path: string };

export interface ReportInput {
    readonly ruleId: string;
    /** The rule's fix, from the catalog. */
    readonly fix: string;
    /** Who the finding is about, as people name it ("node gnh-node-2"); undefined when the message says. */
    readonly subject?: string;
    readonly outcome: Outcome;
    readonly unknownAtPreview: UnknownAtPreview;
    readonly waiver?: Waiver;
    readonly now: Date;
}

export interface Report {
    /** undefined: the level the policy runs at (the catalog's, or the configured one). */
    readonly enforcementLevel?: ReportLevel;
    readonly message: string;
}

export function decideReport(input: ReportInput): Report | undefined {
    const { ruleId, fix, subject, outcome, waiver } = input;
    if (outcome.kind === "verdict" && outcome.verdict.status !== "fail") {
        return undefined;
    }
    const head = subject === undefined ? ruleId : `${subject}: ${ruleId}`;
    if (outcome.kind === "unknown" && input.unknownAtPreview === "defer") {
        return {
            enforcementLevel: "advisory",
            message: `${head}: deferred to pulumi up: the value at ${outcome.path} is unknown at preview; the rule runs again on the real value during the update, at its configured level`,
        };
    }
    const problem = outcome.kind === "verdict"
        ? (outcome.verdict as { message: string }).message
        : `cannot verify at preview: the value at ${outcome.path} is unknown until the resources it comes from exist (blocking, not guessing; "unknownAtPreview": "defer" in this rule's config leaves it to pulumi up)`;
    if (waiver !== undefined) {
        const who = `waiver ${waiver.position} (${waiver.resource}, owner ${waiver.owner}: ${waiver.reason})`;
        if (isExpired(waiver, input.now)) {
            return {
                enforcementLevel: "mandatory",
                message: `${head}: the ${who} expired on ${waiver.expires}: ${problem}. Renew or remove the waiver, or fix: ${fix}`,
            };
        }
        return {
            enforcementLevel: "advisory",
            message: `${head}: WAIVED until ${waiver.expires} by ${waiver.owner} (${waiver.reason}; waiver ${waiver.position}): ${problem}. Fix: ${fix}`,
        };
    }
    if (outcome.kind === "verdict" && outcome.verdict.status === "fail" && outcome.verdict.atPreview === "advisory") {
        return { enforcementLevel: "advisory", message: `${head}: ${problem} (this run does not change it: advice at preview, a failure in the audit). Fix: ${fix}` };
    }
    return { message: `${head}: ${problem}. Fix: ${fix}` };
}
