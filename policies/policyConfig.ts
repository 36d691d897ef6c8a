// A rule's CrossGuard configuration (`--policy-pack-config file.json`, keyed by rule id): the
// JSON Schema the engine validates and fills defaults from, built from rules/ruleOptions.ts, and
// reading the configured values back. The enforcement level is CrossGuard's own per-policy
// setting ("GNH-DAEMON-ICC": "advisory"), so it is not part of the schema.
import { PolicyConfigSchema, ResourceValidationArgs } from "@pulumi/policy";
import { DEFAULT_UNKNOWN_AT_PREVIEW, optionsOf, UnknownAtPreview } from "./ruleCatalog";
import { ConfiguredOptions } from "./resourceFacts";

export function ruleConfigSchema(ruleId: string): PolicyConfigSchema {
    const properties: PolicyConfigSchema["properties"] = {
        unknownAtPreview: {
            type: "string",
            enum: ["block", "defer"],
            default: DEFAULT_UNKNOWN_AT_PREVIEW,
            description: "In preview, when a value this rule reads is unknown: block (report at the rule's level) or defer (advice now, judged at pulumi up).",
        },
    };
    for (const option of optionsOf(ruleId)) {
        properties[option.key] = {
            type: "array",
            items: option.itemPattern === undefined ? { type: "string" } : { type: "string", pattern: option.itemPattern },
            default: [...option.default],
            description: option.description,
        };
    }
    return { properties };
}

export interface RuleConfig {
    readonly unknownAtPreview: UnknownAtPreview;
    readonly options: ConfiguredOptions;
}

/** The configured values, with the catalog's defaults where the engine supplied none. */
export function readRuleConfig(ruleId: string, config: Record<string, unknown>): RuleConfig {
    const options: Record<string, readonly string[]> = {};
    for (const option of optionsOf(ruleId)) {
        const value = config[option.key];
        options[option.key] = Array.isArray(value) ? value.map(String) : option.default;
    }
    return {
        unknownAtPreview: config.unknownAtPreview === "defer" ? "defer" : config.unknownAtPreview === "block" ? "block" : DEFAULT_UNKNOWN_AT_PREVIEW,
        options,
    };
}

/** The policy's config; {} from callers that do not pass getConfig (CrossGuard always does). */
export function configOf(args: Partial<Pick<ResourceValidationArgs, "getConfig">>): Record<string, unknown> {
    return args.getConfig?.<Record<string, unknown>>() ?? {};
}
