// Type tokens of the gnh provider's resources: shared by the provider, the program-side classes
// and the policy pack, so that a rename cannot leave one of them behind.
export const DOCKER_DAEMON_CONFIG_TYPE = "gnh:host:DockerDaemonConfig";
export const MANAGED_FILE_TYPE = "gnh:host:File";
export const NVIDIA_TOOLKIT_TYPE = "gnh:host:NvidiaToolkit";
export const AUDIT_RULES_TYPE = "gnh:host:AuditRules";
export const FILE_MODES_TYPE = "gnh:host:FileModes";
