// The CrossGuard pack: every catalog rule that can be judged in preview, over the structured
// inputs of the resources our components create (never over component inputs, which CrossGuard
// does not reliably see). One adapter turns a rule into a policy; no rule logic lives here.
import { PolicyPack } from "@pulumi/policy";
import { policiesFromCatalog } from "./catalogPolicies";

new PolicyPack("gpu-node-hardening", {
    enforcementLevel: "mandatory",
    policies: policiesFromCatalog(),
});
