// Runs the pack's resource policies in this process, the way @pulumi/policy 1.21.0 runs them for
// one resource (server.js, makeAnalyzeRpcFun): policies in pack order, "disabled" skipped, the
// level from config else the policy else the pack, inputs behind the unknown-checking proxy, and
// reportViolation taking a string or an object with its own level. For unit tests and the
// benchmark (scripts/benchPolicy.ts); the engine is proven by test/e2e/policyPack.test.ts.
import { EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";

export interface SyntheticResource {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    /** Plain inputs; use `unknown` (below) where preview would not know a value. */
    readonly props: Record<string, unknown>;
}

/** Per policy: an enforcement level, or an object of config properties with an optional level. */
export type PackConfig = Readonly<Record<string, EnforcementLevel | (Record<string, unknown> & { enforcementLevel?: EnforcementLevel })>>;

export interface Finding {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly message: string;
}

const internals = policyProxy as unknown as { unknownCheckingProxy: <T>(value: T) => T; unknownStringValue: string };

/** The value the engine hands CrossGuard for an input that is unknown at preview. */
export const unknown: string = internals.unknownStringValue;

function configOf(config: PackConfig, policy: string): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    const entry = config[policy];
    if (entry === undefined) {
        return { properties: {} };
    }
    if (typeof entry === "string") {
        return { level: entry, properties: {} };
    }
    const { enforcementLevel, ...properties } = entry;
    return { level: enforcementLevel, properties };
}

/** Defaults from each policy's configSchema, then the given config: what the engine sends. */
function withDefaults(policy: ResourceValidationPolicy, properties: Record<string, unknown>): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            defaults[key] = schema.default;
        }
    }
    return { ...defaults, ...properties };
}

export async function analyzeInProcess(policies: readonly ResourceValidationPolicy[], resource: SyntheticResource, config: PackConfig = {}, packLevel: EnforcementLevel = "mandatory"): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const policy of policies) {
        const { level: configured, properties } = configOf(config, policy.name);
        let level = configured ?? policy.enforcementLevel ?? packLevel;
        if (level === "disabled" || policy.validateResource === undefined) {
            continue;
        }
        if (level === "remediate") {
            level = "mandatory";
        }
        const policyLevel = level;
        const report = (message: string | { message: string; enforcementLevel?: EnforcementLevel }) => {
            findings.push(typeof message === "string"
                ? { policy: policy.name, enforcementLevel: policyLevel, message: `${policy.description}\n${message}` }
                : { policy: policy.name, enforcementLevel: message.enforcementLevel ?? policyLevel, message: message.message });
        };
        const settings = withDefaults(policy, properties);
        const props = internals.unknownCheckingProxy(structuredClone(resource.props));
        const args = {
            type: resource.type,
            name: resource.name,
            urn: resource.urn ?? `urn:pulumi:bench::gpu-node-hardening::${resource.type}::${resource.name}`,
            props,
            opts: {},
            getConfig: () => settings,
            notApplicable: () => undefined,
        } as unknown as ResourceValidationArgs;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const validate of validations) {
            await validate(args, report as never);
        }
    }
    return findings;
}
