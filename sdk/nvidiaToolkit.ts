// Program-side class for the provider's gnh:host:NvidiaToolkit (provider/nvidiaToolkit.ts).
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../lib/nodeConnection";
import { NVIDIA_TOOLKIT_TYPE } from "../lib/resourceTypes";
import { RuntimeConfig } from "../lib/toolkitConfig";

export interface NvidiaToolkitPackagesArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    readonly version: pulumi.Input<string>;
    readonly repository: pulumi.Input<{
        readonly url: string;
        readonly keyUrl: string;
        readonly fingerprint: string;
        readonly keyringPath: string;
        readonly listPath: string;
    }>;
    readonly runtimeConfig: pulumi.Input<RuntimeConfig>;
}

export class NvidiaToolkitPackages extends pulumi.CustomResource {
    declare public readonly version: pulumi.Output<string>;
    declare public readonly installed: pulumi.Output<Record<string, string>>;
    declare public readonly runtimeConfig: pulumi.Output<RuntimeConfig>;

    constructor(name: string, args: NvidiaToolkitPackagesArgs, opts?: pulumi.CustomResourceOptions) {
        super(NVIDIA_TOOLKIT_TYPE, name, { ...args, installed: undefined, held: undefined, appliedVersion: undefined }, { ...opts, additionalSecretOutputs: ["connection"] });
    }
}
