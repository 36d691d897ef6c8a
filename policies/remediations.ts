// Automatic fixes (CrossGuard remediateResource), only where a fix is safe: one fixed value on the
// inputs of OUR host resources, whose provider validates daemon.json with `dockerd --validate`,
// reloads before it restarts and rolls back on failure, and that takes nothing away from a
// workload that a hardened node gives it. Everything else needs a person (see docs/policies.md).
// Pure: no Pulumi imports; inputs in, the inputs to replace out.
import {
    daemonIcc, daemonLiveRestore, DaemonRule, daemonUserlandProxy, DOCKER_DAEMON_CONFIG_TYPE, NVIDIA_TOOLKIT_TYPE, toolkitContainerLibs,
} from "./ruleCatalog";

export interface Remediation {
    readonly ruleId: string;
    readonly resourceType: string;
    /** Why an automatic fix is safe here (docs and tests read it). */
    readonly why: string;
    /**
     * The keys to set inside one top-level input (`input`), or undefined when there is nothing to
     * fix. Only those keys are written back (policies/rulePolicy.ts), one by one through
     * CrossGuard's proxy, so that every other value keeps its secretness: a rebuilt object would
     * hand the connection's private key, or a secret nested in daemon.json, back in clear.
     */
    readonly patch: (props: Record<string, unknown>) => { readonly input: string; readonly set: Record<string, unknown> } | undefined;
}

/** Set the rule's own `desired` keys (from the catalog) in daemon.json when they differ. */
function daemonSetting(rule: DaemonRule, why: string): Remediation {
    const desired = rule.desired ?? {};
    return {
        ruleId: rule.id,
        resourceType: DOCKER_DAEMON_CONFIG_TYPE,
        why,
        patch: (props) => {
            const settings = (props.settings ?? {}) as Record<string, unknown>;
            const differing = Object.keys(desired).filter((k) => settings[k] !== desired[k]);
            return differing.length > 0 ? { input: "settings", set: Object.fromEntries(differing.map((k) => [k, desired[k]])) } : undefined;
        },
    };
}

const CONTAINER_LIB_KEYS = ["features.allow-ldconfig-from-container", "features.allow-cuda-compat-libs-from-container"];

export const remediations: readonly Remediation[] = [
    daemonSetting(daemonIcc, "one boolean; containers that talk to each other use user-defined networks, which icc does not affect; applied by reload"),
    daemonSetting(daemonLiveRestore, "one boolean that only keeps containers running across daemon restarts"),
    daemonSetting(daemonUserlandProxy, "one boolean; published ports keep working through the kernel's hairpin NAT"),
    {
        ruleId: toolkitContainerLibs.id,
        resourceType: NVIDIA_TOOLKIT_TYPE,
        why: "sets two config.toml features back to NVIDIA's default (false): no image may need the host to run its ldconfig or load its compat libraries",
        patch: (props) => {
            const config = (props.runtimeConfig ?? {}) as Record<string, unknown>;
            const on = CONTAINER_LIB_KEYS.filter((k) => config[k] === true);
            return on.length === 0 ? undefined : { input: "runtimeConfig", set: Object.fromEntries(on.map((k) => [k, false])) };
        },
    },
];

export function remediationFor(ruleId: string): Remediation | undefined {
    return remediations.find((r) => r.ruleId === ruleId);
}
