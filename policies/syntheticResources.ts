// Resource inputs as our components produce them, without a Pulumi program: a hardened node's
// gnh resources (HardenedDockerDaemon, NvidiaContainerToolkit) and a HardenedGpuContainer's
// docker.Container, built by the same functions the components call. For unit tests and the
// policy benchmark; a test weakens one field of these.
import {
    DEFAULT_TOOLKIT_VERSION, desiredDaemonConfig, desiredRuntimeConfig, DOCKER_DAEMON_CONFIG_TYPE, dockerContainerInputs, gpuContainerSpec, NVIDIA_KEY_FINGERPRINT, NVIDIA_KEYRING_PATH, NVIDIA_LIST_PATH, NVIDIA_TOOLKIT_TYPE,
} from "./ruleCatalog";
import { DOCKER_CONTAINER_TYPE } from "./containerPolicies";
import { SyntheticResource } from "./analyzeInProcess";

const connection = (node: string) => ({
    name: node,
    host: `${node}.example.internal`,
    port: 22,
    user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n",
});

export function daemonResource(node: string, overrides: Record<string, unknown> = {}): SyntheticResource {
    return {
        type: DOCKER_DAEMON_CONFIG_TYPE,
        name: `${node}-daemon-json`,
        props: { connection: connection(node), settings: desiredDaemonConfig(overrides), overriddenKeys: Object.keys(overrides), maxParallelRestarts: 1 },
    };
}

export function toolkitResource(node: string, patch: { version?: string; url?: string; fingerprint?: string; runtimeConfig?: Record<string, string | boolean> } = {}): SyntheticResource {
    const version = patch.version ?? DEFAULT_TOOLKIT_VERSION;
    return {
        type: NVIDIA_TOOLKIT_TYPE,
        name: `${node}-toolkit`,
        props: {
            connection: connection(node),
            version,
            repository: {
                url: patch.url ?? "https://nvidia.github.io/libnvidia-container/stable/deb/amd64",
                keyUrl: "https://nvidia.github.io/libnvidia-container/gpgkey",
                fingerprint: patch.fingerprint ?? NVIDIA_KEY_FINGERPRINT,
                keyringPath: NVIDIA_KEYRING_PATH,
                listPath: NVIDIA_LIST_PATH,
            },
            runtimeConfig: { ...desiredRuntimeConfig(version), ...patch.runtimeConfig },
        },
    };
}

const DIGEST = `nvcr.io/nvidia/pytorch@sha256:${"0".repeat(64)}`;

/** A HardenedGpuContainer's docker.Container inputs, with top-level fields replaced by `patch`. */
export function containerResource(name: string, gpu: number, patch: Record<string, unknown> = {}): SyntheticResource {
    const spec = gpuContainerSpec(name, { image: DIGEST, user: "1000:1000", gpus: [String(gpu)], memoryMb: 16384, cpus: 4 });
    return { type: DOCKER_CONTAINER_TYPE, name, props: { ...dockerContainerInputs(spec), ...patch } };
}
