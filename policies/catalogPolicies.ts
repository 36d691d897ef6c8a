// Adapter: rule catalog -> CrossGuard resource policies. Each policy looks at the resource types
// whose inputs carry the facts its rule judges.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { catalog } from "../rules/catalog";
import { DaemonFacts, daemonRules } from "../rules/daemonRules";
import { Rule } from "../rules/rule";
import { DOCKER_DAEMON_CONFIG_TYPE, NVIDIA_TOOLKIT_TYPE } from "../lib/resourceTypes";
import { containerRules } from "../rules/containerRules";
import { AptSourceFact, ToolkitFacts, toolkitRules } from "../rules/toolkitRules";
import { containerFacts } from "./containerPolicies";


/** How facts for a rule are read from one resource's inputs, by resource type. */
const daemonFacts = (type: string, props: Record<string, unknown>): DaemonFacts | undefined =>
    type === DOCKER_DAEMON_CONFIG_TYPE ? { daemon: props.settings as DaemonFacts["daemon"] } : undefined;

/** gnh:host:NvidiaToolkit inputs: the version, the config.toml keys it writes, and its one apt source. */
const toolkitFacts = (type: string, props: Record<string, unknown>, name?: string): ToolkitFacts | undefined => {
    if (type !== NVIDIA_TOOLKIT_TYPE) {
        return undefined;
    }
    const repository = props.repository as { url?: string; keyringPath?: string; fingerprint?: string } | undefined;
    const pinned = typeof repository?.fingerprint === "string" && /^[0-9A-Fa-f]{40}$/.test(repository.fingerprint) ? [repository.fingerprint] : [];
    const source: AptSourceFact[] = repository?.url === undefined ? [] : [{
        origin: name ?? "NvidiaToolkit",
        uri: repository.url,
        // the provider always writes signed-by=<keyringPath> and keeps only the pinned key in it
        signedBy: repository.keyringPath,
        fingerprints: pinned,
    }];
    return {
        toolkit: { version: props.version as string | undefined, runtimeConfig: (props.runtimeConfig ?? {}) as Record<string, string | boolean> },
        aptSources: source,
        // in preview the resource's own pin is what the provider enforces on the key it installs
        options: { trustedFingerprints: pinned },
    };
};

function toPolicy<F>(rule: Rule<F>, factsOf: (type: string, props: Record<string, unknown>, name?: string) => F | undefined): ResourceValidationPolicy {
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
            const facts = factsOf(args.type, args.props as Record<string, unknown>, args.name);
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
    return [
        ...daemonRules.filter((r) => previewable.has(r.id)).map((rule) => toPolicy(rule, daemonFacts)),
        ...toolkitRules.filter((r) => previewable.has(r.id)).map((rule) => toPolicy(rule, toolkitFacts)),
        ...containerRules.filter((r) => previewable.has(r.id)).map((rule) => toPolicy(rule, containerFacts)),
    ];
}
