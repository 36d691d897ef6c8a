// The waiver list and the policy that holds it. CrossGuard gives each policy only its own config,
// so the list is the config of one policy, GNH-WAIVERS:
//   { "GNH-WAIVERS": { "waivers": [ { "rule", "resource", "owner", "reason", "expires" } ] } }
// That policy comes first in the pack, and CrossGuard runs a pack's policies in order for every
// resource, so it has loaded the list before any rule reads it. Malformed entries are reported
// once per run, as mandatory violations on the stack resource (which every preview and update
// analyzes); stack policies would not do, because they are skipped once any resource failed.
// Disabling GNH-WAIVERS switches every waiver off.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ParsedWaivers, parseWaivers, ruleById } from "./ruleCatalog";
import { configOf } from "./policyConfig";

export const WAIVERS_POLICY = "GNH-WAIVERS";
const STACK_TYPE = "pulumi:pulumi:Stack";

let loaded: { readonly source: string; readonly parsed: ParsedWaivers } = { source: "", parsed: { waivers: [], problems: [] } };

/** The waivers as last loaded by GNH-WAIVERS (none when it is disabled). */
export function currentWaivers(): ParsedWaivers {
    return loaded.parsed;
}

function load(raw: unknown): ParsedWaivers {
    const source = JSON.stringify(raw ?? null);
    if (source !== loaded.source) {
        loaded = { source, parsed: parseWaivers(raw, (id) => ruleById(id)?.id) };
    }
    return loaded.parsed;
}

const waiverItem = {
    type: "object",
    properties: {
        rule: { type: "string", description: "Rule id (docs/rules.md)." },
        resource: { type: "string", description: "Resource name or URN; * and ? are wildcards." },
        owner: { type: "string", description: "Who accepted the risk." },
        reason: { type: "string" },
        expires: { type: "string", description: "Last day the waiver holds, YYYY-MM-DD (UTC)." },
    },
} as const;

export function waiverPolicy(): ResourceValidationPolicy {
    return {
        name: WAIVERS_POLICY,
        description: "Waivers: time-limited, owned exceptions to the rules",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                // items are checked by the pack, which names the waiver and every problem in it
                waivers: { type: "array", items: waiverItem, default: [] },
            },
        },
        validateResource: (args, reportViolation) => {
            const parsed = load(configOf(args).waivers);
            if (args.type !== STACK_TYPE) {
                return;
            }
            for (const problem of parsed.problems) {
                reportViolation(`${WAIVERS_POLICY}: malformed ${problem}. It waives nothing until fixed.`);
            }
        },
    };
}
