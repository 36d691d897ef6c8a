// Program-side class for the provider's gnh:host:AuditRules (provider/auditRules.ts).
import * as pulumi from "@pulumi/pulumi";
import { AuditTarget } from "../lib/auditPaths";
import { NodeConnection } from "../lib/nodeConnection";
import { AUDIT_RULES_TYPE } from "../lib/resourceTypes";

export interface AuditRulesArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    readonly path: pulumi.Input<string>;
    readonly targets: pulumi.Input<readonly AuditTarget[]>;
    readonly owner?: pulumi.Input<string>;
    readonly group?: pulumi.Input<string>;
    /** Octal permission bits, default "0640". */
    readonly mode?: pulumi.Input<string>;
    /** On destroy: leave the file on the node. */
    readonly keepOnDelete?: pulumi.Input<boolean>;
}

export class AuditRules extends pulumi.CustomResource {
    declare public readonly path: pulumi.Output<string>;
    declare public readonly sha256: pulumi.Output<string>;
    declare public readonly resolved: pulumi.Output<Record<string, string[]>>;
    declare public readonly loaded: pulumi.Output<boolean>;
    declare public readonly loadStatus: pulumi.Output<string>;

    constructor(name: string, args: AuditRulesArgs, opts?: pulumi.CustomResourceOptions) {
        super(AUDIT_RULES_TYPE, name, {
            owner: "root",
            group: "root",
            mode: "0640",
            keepOnDelete: false,
            ...args,
            content: undefined,
            sha256: undefined,
            resolved: undefined,
            loaded: undefined,
            loadStatus: undefined,
            notes: undefined,
            drift: undefined,
        }, { ...opts, additionalSecretOutputs: ["connection"] });
    }
}
