// Automatic fixes (CrossGuard remediateResource), only where a fix is safe: one fixed value on the
// inputs of OUR host resources, whose provider validates daemon.json with `dockerd --validate`,
// reloads before it restarts and rolls back on failure, and that takes nothing away from a
// workload that a hardened node gives it. Everything else needs a person (see docs/policies.md).
// Pure: no Pulumi imports; inputs in, the inputs to replace out.
import { DOCKER_DAEMON_CONFIG_TYPE, NVIDIA_TOOLKIT_TYPE } from "../lib/resourceTypes";
import { daemonIcc, daemonLiveRestore, DaemonRule, daemonUserlandProxy } from "../rules/daemonRules";
import { toolkitContainerLibs } from "../rules/toolkitRules";

export interface Remediation {
    readonly ruleId: string;
    readonly resourceType: string;
    /** Why an automatic fix is safe here (docs and tests read it). */
    readonly why: string;
    /**
     * The top-level inputs to replace, or undefined when there is nothing to fix. Only those are
     * written back (policies/rulePolicy.ts), through CrossGuard's proxy, so that the others keep
     * their secretness: a rebuilt object would hand the connection's private key back in clear.
     */
    readonly patch: (props: Record<string, unknown>) => Record<string, unknown> | undefined;
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
            const differs = Object.keys(desired).some((k) => settings[k] !== desired[k]);
            return differs ? { settings: { ...settings, ...desired } } : undefined;
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
            return on.length === 0 ? undefined : { runtimeConfig: { ...config, ...Object.fromEntries(on.map((k) => [k, false])) } };
        },
    },
];

export function remediationFor(ruleId: string): Remediation | undefined {
    return remediations.find((r) => r.ruleId === ruleId);
}
