// The pack's policies: GNH-WAIVERS first (it loads the waiver list that the others read), then
// one policy per catalog rule that can be judged in preview, over the inputs of the resources
// whose inputs carry that rule's facts.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { AUDIT_RULES_TYPE, AuditFacts, auditRules, catalog, containerRules, daemonRules, plannedAuditFacts, toolkitRules } from "./ruleCatalog";
import { containerFacts, daemonFacts, FactsOf, toolkitFacts } from "./resourceFacts";
import { PolicyClock, rulePolicy } from "./rulePolicy";
import { waiverPolicy } from "./waiverPolicy";

/** gnh:host:AuditRules: the CIS 1.1.x controls it will watch (the paths are resolved on the node). */
const auditFacts: FactsOf<AuditFacts> = (type, props) =>
    type === AUDIT_RULES_TYPE ? { get planned() { return plannedAuditFacts(props).planned; } } : undefined;

export function policiesFromCatalog(clock?: PolicyClock): ResourceValidationPolicy[] {
    const previewable = new Set(catalog.filter((r) => r.checkedAt.includes("preview")).map((r) => r.id));
    return [
        waiverPolicy(),
        ...daemonRules.filter((r) => previewable.has(r.id)).map((rule) => rulePolicy(rule, daemonFacts, clock)),
        ...toolkitRules.filter((r) => previewable.has(r.id)).map((rule) => rulePolicy(rule, toolkitFacts, clock)),
        ...containerRules.filter((r) => previewable.has(r.id)).map((rule) => rulePolicy(rule, containerFacts, clock)),
        ...auditRules.filter((r) => previewable.has(r.id)).map((rule) => rulePolicy(rule, auditFacts, clock)),
    ];
}
