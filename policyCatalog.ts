// What the CrossGuard pack (policies/) takes from the rule catalog: its one door to it. The pack
// imports these through policies/ruleCatalog.ts, which in this checkout re-exports this file and
// in the standalone pack (pkg/policy-pack, scripts/buildPackage.js) requires the installed
// gpu-node-hardening package's "./policy-catalog" export: one catalog, two ways to reach it.
export { AUDIT_RULES_TYPE, DOCKER_DAEMON_CONFIG_TYPE, NVIDIA_TOOLKIT_TYPE } from "./lib/resourceTypes";
export { type AdvisoryData, loadAdvisories } from "./lib/advisories";
export { type AptSourceFact, desiredRuntimeConfig, toolkitContainerLibs, type ToolkitFacts, type ToolkitRuleOptions, toolkitRules } from "./rules/toolkitRules";
export { type AuditFacts, auditRules, plannedAuditFacts } from "./rules/auditRules";
export { CDI_DEVICE_REFERENCE } from "./lib/patterns";
export { CIS_DOCKER } from "./lib/cisBenchmark";
export {
    type ContainerFacts, type ContainerMountSpec, type ContainerRuleOptions, containerRules, type ContainerSpec, DEFAULT_ALLOWED_REGISTRIES, type DeviceRequest, normalizeCapability,
} from "./rules/containerRules";
export { DEFAULT_UNKNOWN_AT_PREVIEW, optionsOf, type UnknownAtPreview } from "./rules/ruleOptions";
export { type DaemonFacts, daemonIcc, daemonLiveRestore, type DaemonRule, daemonRules, daemonUserlandProxy } from "./rules/daemonRules";
export { DEFAULT_TOOLKIT_VERSION, NVIDIA_KEY_FINGERPRINT, NVIDIA_KEYRING_PATH, NVIDIA_LIST_PATH } from "./lib/toolkitConfig";
export { findWaiver, isExpired, type ParsedWaivers, parseWaivers, type Waiver } from "./rules/waivers";
export { controlLabel, isCis, type Rule, type Verdict } from "./rules/rule";
export { catalog, ruleById } from "./rules/catalog";
export { desiredDaemonConfig } from "./lib/daemonMerge";
export { dockerContainerInputs } from "./lib/containerAdapters";
export { gpuContainerSpec } from "./lib/containerSpec";
export { volumeBindSource } from "./rules/normalisers/volumeOptions";
