// Adapter: rule catalog -> CrossGuard resource policies. Each policy looks at the resource types
// whose inputs carry the facts its rule judges.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { catalog } from "../rules/catalog";
import { DaemonFacts, daemonRules } from "../rules/daemonRules";
import { Rule } from "../rules/rule";
import { DOCKER_DAEMON_CONFIG_TYPE } from "../lib/resourceTypes";


/** How facts for a rule are read from one resource's inputs, by resource type. */
const daemonFacts = (type: string, props: Record<string, unknown>): DaemonFacts | undefined =>
    type === DOCKER_DAEMON_CONFIG_TYPE ? { daemon: props.settings as DaemonFacts["daemon"] } : undefined;

function toPolicy<F>(rule: Rule<F>, factsOf: (type: string, props: Record<string, unknown>) => F | undefined): ResourceValidationPolicy {
    return {
        name: rule.id,
        description: rule.title,
        enforcementLevel: rule.enforcement,
        severity: rule.severity,
        remediationSteps: rule.remediation,
        tags: rule.controls.map((c) => `${c.framework}: ${c.id}`),
        framework: rule.controls.some((c) => c.framework === "CIS Docker Benchmark 1.6")
            ? { name: "CIS Docker Benchmark", version: "1.6.0", specification: "CIS Docker Benchmark v1.6.0", reference: rule.controls.filter((c) => c.framework === "CIS Docker Benchmark 1.6").map((c) => c.id).join(", ") }
            : undefined,
        validateResource: (args, reportViolation) => {
            const facts = factsOf(args.type, args.props as Record<string, unknown>);
            if (facts === undefined) {
                return;
            }
            const verdict = rule.evaluate(facts);
            if (verdict.status === "fail") {
                reportViolation(`${rule.id}: ${verdict.message}. Fix: ${rule.remediation}`);
            }
        },
    };
}

export function policiesFromCatalog(): ResourceValidationPolicy[] {
    const previewable = new Set(catalog.filter((r) => r.checkedAt.includes("preview")).map((r) => r.id));
    return daemonRules.filter((r) => previewable.has(r.id)).map((rule) => toPolicy(rule, daemonFacts));
}
