// The package's entry point (`require("gpu-node-hardening")`, package.json "main"): the components
// for a Pulumi program of your own, their argument types, and the fleet file's parser and key
// reader. docs/package.md says how to install it and how the engine finds the gnh provider.
export { GpuNode, type GpuNodeArgs } from "./components/gpuNode";
export { NvidiaContainerToolkit, type NvidiaContainerToolkitArgs, NVIDIA_KEY_URL, NVIDIA_REPOSITORY_URL } from "./components/nvidiaToolkit";
export { HardenedDockerDaemon, type HardenedDockerDaemonArgs } from "./components/dockerDaemon";
export { SeccompProfile, type SeccompProfileArgs } from "./components/seccompProfile";
export { DockerAuditRules, type DockerAuditRulesArgs } from "./components/dockerAuditRules";
export { CisFileModes, type CisFileModesArgs } from "./components/cisFileModes";
export { dockerProviderFor, HardenedGpuContainer, type HardenedGpuContainerArgs, writeKnownHosts } from "./components/gpuContainer";
export { type Fleet, type FleetBastion, FleetError, type FleetNode, parseFleet } from "./lib/fleet";
export { nodesOfPool, poolsOf } from "./lib/fleetPools";
export { connectionWithCredentials, type NodeCredentials, readFleetCredentials } from "./lib/fleetPrivateKey";
export { type Bastion, connectionOfFleetNode, type HostTrust, type NodeConnection } from "./lib/nodeConnection";
export { DEFAULT_TOOLKIT_VERSION } from "./lib/toolkitConfig";
export { DEFAULT_ALLOWED_REGISTRIES } from "./rules/containerRules";
