// CisFileModes: owner and mode of the CIS section 3 files that no other resource of ours writes
// (FILE_EXPECTATIONS entries marked `enforced` in rules/liveRules.ts, the same list the audit
// judges): tightened on `up`, checked again on refresh.
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../lib/nodeConnection";
import { FILE_EXPECTATIONS } from "../rules/liveRules";
import { FileModes } from "../sdk/fileModes";

export interface CisFileModesArgs {
    readonly connection: pulumi.Input<NodeConnection>;
}

export class CisFileModes extends pulumi.ComponentResource {
    public readonly fixed: pulumi.Output<readonly string[]>;

    constructor(name: string, args: CisFileModesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:CisFileModes", name, {}, opts);
        const modes = new FileModes(`${name}-file-modes`, {
            connection: args.connection,
            files: FILE_EXPECTATIONS.filter((e) => e.enforced).map(({ paths, owner, group, mode }) => ({ paths, owner, group, mode })),
        }, { parent: this });
        this.fixed = modes.fixed;
        this.registerOutputs({ fixed: this.fixed });
    }
}
