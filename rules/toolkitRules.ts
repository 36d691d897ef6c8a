// NVIDIA Container Toolkit and its apt source: the version against NVIDIA's security bulletins,
// the security-relevant keys of config.toml, and how the repository is trusted. The policy pack
// builds these facts from gnh:host:NvidiaToolkit inputs, the live audit from dpkg, config.toml,
// the apt source files and the keyrings they name.
import { AdvisoryData, BUILT_IN_ADVISORIES, blocksNewPins, mitigationInPlace, toolkitAdvisoriesFor } from "../lib/advisories";
import { compareVersions, CUDA_COMPAT_HOOK_FIXED_IN, DEFAULT_TOOLKIT_VERSION, RuntimeConfig, TOOLKIT_KEYS, TOOLKIT_PACKAGES, upstreamToolkitVersion } from "../lib/toolkitConfig";
import { aptHttps, aptPinnedFingerprint, aptSignedBy, AptSourceFact, aptVerification } from "./aptRules";
import { fail, notApplicable, nvidiaBulletin, pass, passWithNote, Rule, seed, Verdict } from "./rule";

export type { AptSourceFact } from "./aptRules";
export { isPrivateHost, normalizeFingerprint } from "./aptRules";

export interface ToolkitFacts {
    readonly toolkit?: {
        /** Upstream or Debian version ("1.17.8" or "1.17.8-1"). */
        readonly version?: string;
        /** Installed versions of the four packages (audit only); null = not installed. */
        readonly packages?: Readonly<Record<string, string | null>>;
        /** config.toml keys by dotted path; a key absent here has NVIDIA's default. */
        readonly runtimeConfig?: Readonly<Record<string, string | boolean>>;
        /**
         * Audit only: the toolkit's own reader (`nvidia-ctk config`) refused config.toml, with its
         * message. Its runtime then cannot start a GPU container, and no key can be judged.
         */
        readonly runtimeConfigError?: string;
        /**
         * Preview only, from the provider's check: whether this run creates the node's pin
         * ("new"), changes it ("changed") or leaves it as the stack has it ("unchanged").
         */
        readonly pinChange?: "new" | "changed" | "unchanged";
    };
    /** The advisory data to judge by; the built-in data/advisories.json when absent. */
    readonly advisories?: AdvisoryData;
    readonly aptSources?: readonly AptSourceFact[];
    readonly options?: ToolkitRuleOptions;
}

export interface ToolkitRuleOptions {
    /** At most one path: advisory data to use instead of the built-in data (policy pack configuration). */
    readonly advisoriesFile?: readonly string[];
    /** Primary fingerprints trusted besides NVIDIA's (an internal mirror's key). */
    readonly trustedFingerprints?: readonly string[];
    /** Hosts that may serve apt over plain http (an internal mirror on its own network). */
    readonly httpAllowedHosts?: readonly string[];
}

/** Options of the desired config.toml (NvidiaContainerToolkit's arguments). */
export interface DesiredToolkitOptions {
    /** Let unprivileged containers select GPUs with NVIDIA_VISIBLE_DEVICES (default false). */
    readonly envvarWhenUnprivileged?: boolean;
}

/** A toolkit rule: its check, the config.toml keys it reads, and what it wants there (applied by NvidiaContainerToolkit). */
export interface ToolkitRule extends Rule<ToolkitFacts> {
    readonly configKeys?: readonly string[];
    readonly desired?: (version: string, options: DesiredToolkitOptions) => RuntimeConfig;
}


/** One exact release, upstream ("1.17.8") or Debian ("1.17.8-1", "1:1.17.8-1"). */
const EXACT_VERSION = /^(\d+:)?\d+\.\d+\.\d+(-[0-9A-Za-z.~+]+)?$/;

function onToolkit(check: (toolkit: NonNullable<ToolkitFacts["toolkit"]>) => Verdict) {
    return (facts: ToolkitFacts): Verdict =>
        facts.toolkit === undefined ? notApplicable("the NVIDIA Container Toolkit is not installed or not known") : check(facts.toolkit);
}

export const toolkitAdvisories: ToolkitRule = {
    id: "GNH-TOOLKIT-ADVISORIES",
    title: "The NVIDIA Container Toolkit has every security fix",
    severity: "critical",
    controls: BUILT_IN_ADVISORIES.toolkit.flatMap((a) => a.cves.map(nvidiaBulletin)),
    rationale: "The toolkit's hooks run as root on the host for every GPU container: each of NVIDIA's toolkit bulletins (data/advisories.json, with sources) is a container escape or host tampering. A new node or a changed pin on a version with a high or critical advisory that has a fix is refused at preview; a node left on such a version is advice at preview (its drift repair is never blocked) and a failure in the audit. A mitigation that the bulletin documents, found in config.toml, is honoured and said so.",
    remediation: `Pin the four toolkit packages to ${DEFAULT_TOOLKIT_VERSION} (the default) or at least the fixed version named, and regenerate CDI specs; a fleet that cannot upgrade yet applies the bulletin's mitigation and records a waiver (rule id, owner, reason, expiry).`,
    links: ["https://github.com/NVIDIA/product-security", "https://nvidia.custhelp.com/app/answers/detail/a_id/5850"],
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: (facts) => onToolkit((toolkit) => {
        if (toolkit.version === undefined) {
            return notApplicable("the toolkit version is not known");
        }
        // "latest", "1.17" or a range: which fixes it has depends on the day it is installed
        if (!EXACT_VERSION.test(toolkit.version)) {
            return fail(`toolkit version ${JSON.stringify(toolkit.version)} is not pinned to one release (such as "${DEFAULT_TOOLKIT_VERSION}"): which security fixes it has cannot be known`);
        }
        const data = facts.advisories ?? BUILT_IN_ADVISORIES;
        const open = toolkitAdvisoriesFor(toolkit.version, data);
        const mitigated = open.map((a) => [a, mitigationInPlace(a, toolkit.version as string, toolkit.runtimeConfig)] as const);
        const unmitigated = mitigated.filter(([, m]) => m === undefined).map(([a]) => a);
        const notes = mitigated.filter(([, m]) => m !== undefined).map(([a, m]) => `${a.cves.join(", ")} mitigated by ${m?.text} (fixed in ${a.fixedIn}; ${a.source})`);
        if (unmitigated.length === 0) {
            return notes.length === 0 ? pass : passWithNote(`toolkit ${toolkit.version}: ${notes.join("; ")}`);
        }
        const describe = (a: typeof unmitigated[number]) =>
            `${a.cves.join(", ")} (${a.severity}${a.cvss === undefined ? "" : ` ${a.cvss}`}, ${a.id}: fixed in ${a.fixedIn}${a.noFixOnBranches?.length ? `, no fix on the ${a.noFixOnBranches.join(" or ")} line` : ""}; ${a.source})`;
        const message = `toolkit ${toolkit.version} is affected by ${unmitigated.map(describe).join("; ")}${notes.length > 0 ? `; ${notes.join("; ")}` : ""} [${data.origin}, ${data.updated}]`;
        // a pin this run does not touch: reported, never blocking at preview
        const standing = toolkit.pinChange === "unchanged" || !unmitigated.some(blocksNewPins);
        return standing ? fail(message, { atPreview: "advisory" }) : fail(message);
    })(facts),
};

export const toolkitPackagesMatch: ToolkitRule = {
    id: "GNH-TOOLKIT-PACKAGES-MATCH",
    title: "The four toolkit packages are installed at one version",
    severity: "medium",
    controls: [seed("toolkit pinned")],
    rationale: "nvidia-container-toolkit, -base, libnvidia-container-tools and libnvidia-container1 move together (1.18+ requires an exact match); a partial upgrade leaves an old, vulnerable library behind a new version number.",
    remediation: `Install ${TOOLKIT_PACKAGES.join(", ")} at the same version and hold them (apt-mark hold).`,
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: onToolkit((toolkit) => {
        if (toolkit.packages === undefined) {
            return notApplicable("package versions are known on a live host only");
        }
        const versions = TOOLKIT_PACKAGES.map((p) => [p, toolkit.packages?.[p] ?? null] as const);
        const missing = versions.filter(([, v]) => v === null).map(([p]) => p);
        const distinct = new Set(versions.filter(([, v]) => v !== null).map(([, v]) => v));
        if (missing.length > 0 || distinct.size > 1) {
            return fail(`toolkit packages differ: ${versions.map(([p, v]) => `${p} ${v ?? "not installed"}`).join(", ")}`);
        }
        return pass;
    }),
};

/** A config.toml the rules cannot read: a finding when the toolkit refused it (fail closed), else not applicable. */
const configUnknown = (toolkit: NonNullable<ToolkitFacts["toolkit"]>) => toolkit.runtimeConfigError !== undefined
    ? fail(`the toolkit cannot read config.toml (${toolkit.runtimeConfigError}): no setting in it can be judged, and its runtime refuses GPU containers until it is fixed`)
    : notApplicable("config.toml is not known");

/** The host's ldconfig: the leading @ makes the path relative to the host, not the container. */
const HOST_LDCONFIG = "@/sbin/ldconfig";

const configValue = (toolkit: NonNullable<ToolkitFacts["toolkit"]>, key: string, nvidiaDefault: string | boolean) =>
    toolkit.runtimeConfig === undefined ? undefined : (toolkit.runtimeConfig[key] ?? nvidiaDefault);

export const toolkitLdconfig: ToolkitRule = {
    id: "GNH-TOOLKIT-LDCONFIG",
    title: "ldconfig is the host's (config.toml ldconfig starts with @)",
    severity: "high",
    controls: [nvidiaBulletin("CVE-2024-0136"), nvidiaBulletin("CVE-2024-0137")],
    rationale: "Without the leading @ the toolkit runs an ldconfig found inside the container's filesystem, as root on the host.",
    remediation: 'Set nvidia-container-cli.ldconfig = "@/sbin/ldconfig" in /etc/nvidia-container-runtime/config.toml.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    configKeys: [TOOLKIT_KEYS.ldconfig],
    desired: () => ({ [TOOLKIT_KEYS.ldconfig]: HOST_LDCONFIG }),
    evaluate: onToolkit((toolkit) => {
        const value = configValue(toolkit, TOOLKIT_KEYS.ldconfig, HOST_LDCONFIG);
        if (value === undefined) {
            return configUnknown(toolkit);
        }
        return typeof value === "string" && value.startsWith("@")
            ? pass
            : fail(`config.toml nvidia-container-cli.ldconfig is ${JSON.stringify(value)}; it must start with "@"`);
    }),
};

export const toolkitCompatHook: ToolkitRule = {
    id: "GNH-TOOLKIT-COMPAT-HOOK",
    title: `The CUDA compat-lib hook is disabled on toolkits older than ${CUDA_COMPAT_HOOK_FIXED_IN}`,
    severity: "critical",
    controls: [nvidiaBulletin("CVE-2025-23266"), nvidiaBulletin("CVE-2025-23267")],
    rationale: "The enable-cuda-compat hook of older toolkits can be steered by an image (LD_PRELOAD) into running attacker code as root on the host (NVIDIAScape).",
    remediation: `Upgrade to ${CUDA_COMPAT_HOOK_FIXED_IN}+; until then set features.disable-cuda-compat-lib-hook = true in config.toml.`,
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    configKeys: [TOOLKIT_KEYS.compatHookDisabled],
    // set both ways, so that config.toml follows the version on an upgrade and on a downgrade
    desired: (version) => ({ [TOOLKIT_KEYS.compatHookDisabled]: compareVersions(upstreamToolkitVersion(version), CUDA_COMPAT_HOOK_FIXED_IN) < 0 }),
    evaluate: onToolkit((toolkit) => {
        if (toolkit.version === undefined) {
            return notApplicable("the toolkit version is not known");
        }
        if (compareVersions(upstreamToolkitVersion(toolkit.version), CUDA_COMPAT_HOOK_FIXED_IN) >= 0) {
            return pass;
        }
        const value = configValue(toolkit, TOOLKIT_KEYS.compatHookDisabled, false);
        if (value === undefined) {
            return configUnknown(toolkit);
        }
        return value === true ? pass : fail(`toolkit ${toolkit.version} is older than ${CUDA_COMPAT_HOOK_FIXED_IN} and config.toml features.disable-cuda-compat-lib-hook is ${JSON.stringify(value)}, not true (CVE-2025-23266)`);
    }),
};

export const toolkitEnvvarUnprivileged: ToolkitRule = {
    id: "GNH-TOOLKIT-ENVVAR-UNPRIVILEGED",
    title: "Unprivileged containers cannot pick GPUs through NVIDIA_VISIBLE_DEVICES",
    severity: "high",
    controls: [seed("GPU devices isolated")],
    rationale: "With accept-nvidia-visible-devices-envvar-when-unprivileged = true (NVIDIA's default) any image that sets NVIDIA_VISIBLE_DEVICES=all gets every GPU, whatever the scheduler or the container spec asked for. Mandatory: GPU isolation depends on it; a node that must keep it (docker --gpus without CDI) opts out in the open with a waiver.",
    remediation: "Set accept-nvidia-visible-devices-envvar-when-unprivileged = false and accept-nvidia-visible-devices-as-volume-mounts = true in config.toml; select GPUs with CDI names (--device nvidia.com/gpu=0).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    configKeys: [TOOLKIT_KEYS.envvarWhenUnprivileged, TOOLKIT_KEYS.volumeMounts],
    // GPUs then reach unprivileged containers through volume mounts (device plugins) or CDI names
    desired: (_version, options) => ({ [TOOLKIT_KEYS.envvarWhenUnprivileged]: options.envvarWhenUnprivileged ?? false, [TOOLKIT_KEYS.volumeMounts]: true }),
    evaluate: onToolkit((toolkit) => {
        const value = configValue(toolkit, TOOLKIT_KEYS.envvarWhenUnprivileged, true);
        if (value === undefined) {
            return configUnknown(toolkit);
        }
        return value === false ? pass : fail(`config.toml accept-nvidia-visible-devices-envvar-when-unprivileged is ${JSON.stringify(value)}${toolkit.runtimeConfig?.[TOOLKIT_KEYS.envvarWhenUnprivileged] === undefined ? " (NVIDIA's default)" : ""}; it must be false`);
    }),
};

export const toolkitContainerLibs: ToolkitRule = {
    id: "GNH-TOOLKIT-CONTAINER-LIBS",
    title: "The toolkit never takes ldconfig or CUDA compat libraries from the container",
    severity: "high",
    controls: [seed("toolkit config")],
    rationale: "features.allow-ldconfig-from-container and allow-cuda-compat-libs-from-container let an image choose what the root hooks run or load.",
    remediation: "Remove features.allow-ldconfig-from-container and features.allow-cuda-compat-libs-from-container from config.toml (or set them false).",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    configKeys: [TOOLKIT_KEYS.ldconfigFromContainer, TOOLKIT_KEYS.compatLibsFromContainer],
    evaluate: onToolkit((toolkit) => {
        if (toolkit.runtimeConfig === undefined) {
            return configUnknown(toolkit);
        }
        const on = [TOOLKIT_KEYS.ldconfigFromContainer, TOOLKIT_KEYS.compatLibsFromContainer].filter((k) => toolkit.runtimeConfig?.[k] === true);
        return on.length > 0 ? fail(`config.toml sets ${on.map((k) => `${k} = true`).join(", ")}`) : pass;
    }),
};

export const toolkitRules: readonly ToolkitRule[] = [
    toolkitAdvisories,
    toolkitPackagesMatch,
    toolkitLdconfig,
    toolkitCompatHook,
    toolkitEnvvarUnprivileged,
    toolkitContainerLibs,
    aptSignedBy,
    aptPinnedFingerprint,
    aptHttps,
    aptVerification,
];

/**
 * The hardened config.toml keys for a toolkit version: what each rule wants, together. The
 * secure default ignores NVIDIA_VISIBLE_DEVICES from unprivileged containers (any image could ask
 * for every GPU); `docker run --gpus` passes that variable, so use CDI names (--device
 * nvidia.com/gpu=0), or set envvarWhenUnprivileged and accept the risk.
 */
export function desiredRuntimeConfig(version: string, options: DesiredToolkitOptions = {}): RuntimeConfig {
    return Object.assign({}, ...toolkitRules.map((rule) => rule.desired?.(version, options) ?? {}));
}

/** Every config.toml key a toolkit rule reads, and the runtime's mode (reported by the audit). */
export const TOOLKIT_CONFIG_KEYS: readonly string[] = [...new Set([...toolkitRules.flatMap((rule) => rule.configKeys ?? []), TOOLKIT_KEYS.runtimeMode])];
