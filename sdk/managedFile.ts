// Program-side class for the provider's gnh:host:File (provider/managedFile.ts).
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../lib/nodeConnection";
import { MANAGED_FILE_TYPE } from "../lib/resourceTypes";

export interface ManagedFileArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    readonly path: pulumi.Input<string>;
    readonly content: pulumi.Input<string>;
    readonly owner?: pulumi.Input<string>;
    readonly group?: pulumi.Input<string>;
    /** Octal permission bits, default "0644". */
    readonly mode?: pulumi.Input<string>;
    readonly keepOnDelete?: pulumi.Input<boolean>;
    /** On destroy: keep the file while this JSON file's top-level key names it. */
    readonly keepWhileNamedBy?: pulumi.Input<{ file: string; key: string }>;
}

export class ManagedFile extends pulumi.CustomResource {
    declare public readonly path: pulumi.Output<string>;
    declare public readonly sha256: pulumi.Output<string>;

    constructor(name: string, args: ManagedFileArgs, opts?: pulumi.CustomResourceOptions) {
        super(MANAGED_FILE_TYPE, name, {
            owner: "root",
            group: "root",
            mode: "0644",
            keepOnDelete: false,
            ...args,
            sha256: undefined,
        }, { ...opts, additionalSecretOutputs: ["connection"] });
    }
}
