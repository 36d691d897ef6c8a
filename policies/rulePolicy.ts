// Adapter: one catalog rule -> one CrossGuard resource policy named by the rule's id, with its
// configuration (policyConfig.ts), waivers (waiverPolicy.ts), unknown values at preview and, where
// safe, an automatic fix (remediations.ts). No rule logic here.
import { ResourceValidationPolicy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { CIS_DOCKER, controlLabel, findWaiver, isCis, Rule } from "./ruleCatalog";
import { configOf, readRuleConfig, ruleConfigSchema } from "./policyConfig";
import { remediationFor } from "./remediations";
import { FactsOf, subjectOf } from "./resourceFacts";
import { decideReport, Outcome, ReportLevel } from "./violationReport";
import { currentWaivers } from "./waiverPolicy";


/**
 * What the inputs proxy of @pulumi/policy throws when a rule reads a value that preview does not
 * know. The class is marked @internal (absent from the typings), so it is typed here.
 */
const UnknownValueError = (policyProxy as unknown as { UnknownValueError: new () => Error & { readonly props: readonly string[] } }).UnknownValueError;

/**
 * reportViolation also takes an object with its own enforcementLevel (server.js of
 * @pulumi/policy 1.21.0, makeReportViolationFun), which the typings do not declare. It is how a
 * waived violation is reported as advisory and an expired waiver as mandatory, whatever the
 * policy's level. Everything else goes through the documented string form, at CrossGuard's
 * configured level (a violation left after "remediate" counts as mandatory; "disabled" policies
 * are never called).
 */
type ReportWithLevel = (violation: { message: string; enforcementLevel: ReportLevel }) => void;

/** What the rule says about these inputs, or which unknown value stopped it from saying. */
function outcomeOf<F>(rule: Rule<F>, facts: F): Outcome {
    try {
        return { kind: "verdict", verdict: rule.evaluate(facts) };
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return { kind: "unknown", path: `.${error.props.join(".")}` };
        }
        throw error;
    }
}

export interface PolicyClock {
    readonly now: () => Date;
}

export function rulePolicy<F>(rule: Rule<F>, factsOf: FactsOf<F>, clock: PolicyClock = { now: () => new Date() }): ResourceValidationPolicy {
    const remediation = remediationFor(rule.id);
    const cisControls = rule.controls.filter(isCis);
    return {
        name: rule.id,
        description: rule.title,
        enforcementLevel: rule.enforcement,
        severity: rule.severity,
        remediationSteps: rule.remediation,
        tags: rule.controls.map(controlLabel),
        framework: cisControls.length > 0
            ? { name: CIS_DOCKER.benchmark, version: CIS_DOCKER.version, specification: `${CIS_DOCKER.benchmark} v${CIS_DOCKER.version}`, reference: cisControls.map((c) => c.id).join(", ") }
            : undefined,
        configSchema: ruleConfigSchema(rule.id),
        validateResource: (args, reportViolation) => {
            const config = readRuleConfig(rule.id, configOf(args));
            let outcome: Outcome;
            try {
                const facts = factsOf(args.type, args.props, args.name, config.options);
                if (facts === undefined) {
                    return;
                }
                outcome = outcomeOf(rule, facts);
            } catch (error) {
                if (!(error instanceof UnknownValueError)) {
                    throw error;
                }
                outcome = { kind: "unknown", path: `.${error.props.join(".")}` };
            }
            if (outcome.kind === "verdict" && outcome.verdict.status !== "fail") {
                return;
            }
            const now = clock.now();
            const report = decideReport({
                ruleId: rule.id,
                fix: rule.remediation,
                subject: subjectOf(args.type, args.props),
                outcome,
                unknownAtPreview: config.unknownAtPreview,
                waiver: findWaiver(currentWaivers().waivers, rule.id, { urn: args.urn, name: args.name }, now),
                now,
            });
            if (report === undefined) {
                return;
            }
            if (report.enforcementLevel === undefined) {
                reportViolation(report.message);
            } else {
                (reportViolation as unknown as ReportWithLevel)({ message: report.message, enforcementLevel: report.enforcementLevel });
            }
        },
        ...(remediation === undefined ? {} : {
            remediateResource: (args) => {
                const patch = args.type === remediation.resourceType ? remediation.patch(args.props) : undefined;
                if (patch === undefined) {
                    return undefined;
                }
                // assigned key by key through CrossGuard's proxy, which keeps secret inputs secret;
                // a new object would not (the private key, or a secret inside daemon.json, in clear)
                const target = args.props[patch.input] as Record<string, unknown> | undefined;
                if (target === undefined || target === null) {
                    args.props[patch.input] = patch.set;
                } else {
                    for (const [key, value] of Object.entries(patch.set)) {
                        target[key] = value;
                    }
                }
                return args.props;
            },
        }),
    };
}
