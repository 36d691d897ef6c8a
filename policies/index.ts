// Placeholder pack: proves that `pulumi preview --policy-pack policies` runs our pack through the
// real engine. The rule catalog replaces this policy (issue 7).
import { PolicyPack } from "@pulumi/policy";

new PolicyPack("gpu-node-hardening", {
    policies: [
        {
            name: "gnh-policy-pack-smoke",
            description: "Placeholder: flags a resource whose input gnhPolicySmoke is 'violate'.",
            enforcementLevel: "mandatory",
            validateResource: (args, reportViolation) => {
                if (args.props["gnhPolicySmoke"] === "violate") {
                    reportViolation("gnhPolicySmoke is 'violate': set it to 'ok' (placeholder rule).");
                }
            },
        },
    ],
});
