// Program-side class for the provider's gnh:host:FileModes (provider/fileModes.ts).
import * as pulumi from "@pulumi/pulumi";
import { ModeExpectation } from "../lib/fileModes";
import { NodeConnection } from "../lib/nodeConnection";
import { FILE_MODES_TYPE } from "../lib/resourceTypes";

export interface FileModesArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    readonly files: pulumi.Input<readonly ModeExpectation[]>;
}

export class FileModes extends pulumi.CustomResource {
    declare public readonly fixed: pulumi.Output<string[]>;

    constructor(name: string, args: FileModesArgs, opts?: pulumi.CustomResourceOptions) {
        super(FILE_MODES_TYPE, name, { ...args, observed: undefined, fixed: undefined, drift: undefined },
            { ...opts, additionalSecretOutputs: ["connection"] });
    }
}
