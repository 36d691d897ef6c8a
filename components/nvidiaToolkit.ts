// NvidiaContainerToolkit: the toolkit from a fingerprint-checked signed source, pinned and held,
// with a hardened config.toml. Its desired state is plain data on the NvidiaToolkitPackages
// resource (version, repository, fingerprint, runtime config) for the policy pack and drift.
import * as pulumi from "@pulumi/pulumi";
import { AdvisoryData, advisoryDataStatus, BUILT_IN_ADVISORIES, toolkitAdvisoriesFor } from "../lib/advisories";
import { NodeConnection } from "../lib/nodeConnection";
import { NVIDIA_KEY_FINGERPRINT, NVIDIA_KEYRING_PATH, NVIDIA_LIST_PATH, RuntimeConfig } from "../lib/toolkitConfig";
import { desiredRuntimeConfig } from "../rules/toolkitRules";
import { NvidiaToolkitPackages } from "../sdk/nvidiaToolkit";

export interface NvidiaContainerToolkitArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    /** The toolkit version for all four packages, e.g. "1.20.2" (DEFAULT_TOOLKIT_VERSION). */
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
    /** The advisory data the version is checked against (stack config advisoriesFile); the built-in data by default. */
    readonly advisories?: AdvisoryData;
}

export const NVIDIA_REPOSITORY_URL = "https://nvidia.github.io/libnvidia-container/stable/deb/amd64";
export const NVIDIA_KEY_URL = "https://nvidia.github.io/libnvidia-container/gpgkey";

/** Advisory data already checked for its age in this program run: a fleet hears it once, not once per node. */
const agedDataWarned = new WeakSet<AdvisoryData>();

export class NvidiaContainerToolkit extends pulumi.ComponentResource {
    public readonly version: pulumi.Output<string>;
    public readonly runtimeConfig: pulumi.Output<RuntimeConfig>;

    constructor(name: string, args: NvidiaContainerToolkitArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:NvidiaContainerToolkit", name, {}, opts);
        // Said at every preview and up; whether the pin may be applied is the policy pack's call
        // (GNH-TOOLKIT-ADVISORIES, with waivers), on the same data.
        const data = args.advisories ?? BUILT_IN_ADVISORIES;
        const open = toolkitAdvisoriesFor(args.version, data);
        if (open.length > 0) {
            pulumi.log.warn(`toolkit ${args.version} is affected by ${open.map((a) => `${a.cves.join(", ")} (fixed in ${a.fixedIn})`).join("; ")} [${data.origin}, ${data.updated}]`, this);
        }
        if (!agedDataWarned.has(data)) {
            agedDataWarned.add(data);
            const status = advisoryDataStatus(data, new Date());
            if (status.warning !== undefined) {
                pulumi.log.warn(status.warning);
            }
        }
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
