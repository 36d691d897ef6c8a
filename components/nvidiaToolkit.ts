// NvidiaContainerToolkit: the toolkit from a fingerprint-checked signed source, pinned and held,
// with a hardened config.toml. Its desired state is plain data on the NvidiaToolkitPackages
// resource (version, repository, fingerprint, runtime config) for the policy pack and drift.
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../lib/nodeConnection";
import { desiredRuntimeConfig, NVIDIA_KEY_FINGERPRINT, NVIDIA_KEYRING_PATH, NVIDIA_LIST_PATH, RuntimeConfig } from "../lib/toolkitConfig";
import { NvidiaToolkitPackages } from "../sdk/nvidiaToolkit";

export interface NvidiaContainerToolkitArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    /** The toolkit version for all four packages, e.g. "1.17.8". */
    readonly version: string;
    /** The apt repository; default NVIDIA's stable repository for amd64. */
    readonly repositoryUrl?: string;
    /** Where the node fetches the key; default `<repository root>/gpgkey` as NVIDIA publishes it. */
    readonly keyUrl?: string;
    /** The primary key fingerprint to trust; default NVIDIA's. */
    readonly fingerprint?: string;
    /** Let unprivileged containers select GPUs with NVIDIA_VISIBLE_DEVICES (default false; see docs/toolkit.md). */
    readonly envvarWhenUnprivileged?: boolean;
    /** Extra config.toml keys to manage, by dotted path. */
    readonly extraRuntimeConfig?: RuntimeConfig;
}

export const NVIDIA_REPOSITORY_URL = "https://nvidia.github.io/libnvidia-container/stable/deb/amd64";
export const NVIDIA_KEY_URL = "https://nvidia.github.io/libnvidia-container/gpgkey";

export class NvidiaContainerToolkit extends pulumi.ComponentResource {
    public readonly version: pulumi.Output<string>;
    public readonly runtimeConfig: pulumi.Output<RuntimeConfig>;

    constructor(name: string, args: NvidiaContainerToolkitArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:NvidiaContainerToolkit", name, {}, opts);
        const packages = new NvidiaToolkitPackages(`${name}-toolkit`, {
            connection: args.connection,
            version: args.version,
            repository: {
                url: args.repositoryUrl ?? NVIDIA_REPOSITORY_URL,
                keyUrl: args.keyUrl ?? NVIDIA_KEY_URL,
                fingerprint: (args.fingerprint ?? NVIDIA_KEY_FINGERPRINT).replace(/\s+/g, "").toUpperCase(),
                keyringPath: NVIDIA_KEYRING_PATH,
                listPath: NVIDIA_LIST_PATH,
            },
            runtimeConfig: { ...desiredRuntimeConfig(args.version, { envvarWhenUnprivileged: args.envvarWhenUnprivileged }), ...args.extraRuntimeConfig },
        }, { parent: this });
        this.version = packages.version;
        this.runtimeConfig = packages.runtimeConfig;
        this.registerOutputs({ version: this.version, runtimeConfig: this.runtimeConfig });
    }
}
