// Every rule of the project, in one registry that refuses duplicate ids and aliases.
import { auditRules } from "./auditRules";
import { containerRules } from "./containerRules";
import { daemonRules } from "./daemonRules";
import { liveRules } from "./liveRules";
import { toolkitRules } from "./toolkitRules";
import { Rule } from "./rule";

export type AnyRule = Rule<never>;

function register(groups: readonly (readonly AnyRule[])[]): readonly AnyRule[] {
    const seen = new Map<string, string>();
    const all: AnyRule[] = [];
    for (const rule of groups.flat()) {
        for (const name of [rule.id, ...(rule.aliases ?? [])]) {
            const owner = seen.get(name);
            if (owner !== undefined) {
                throw new Error(`rule id ${name} is used twice (by ${owner} and ${rule.id})`);
            }
            seen.set(name, rule.id);
        }
        all.push(rule);
    }
    return all;
}

export const catalog: readonly AnyRule[] = register([daemonRules as readonly AnyRule[], toolkitRules as readonly AnyRule[], liveRules as readonly AnyRule[], auditRules as readonly AnyRule[], containerRules as readonly AnyRule[]]);

export function ruleById(id: string): AnyRule | undefined {
    return catalog.find((r) => r.id === id || (r.aliases ?? []).includes(id));
}
