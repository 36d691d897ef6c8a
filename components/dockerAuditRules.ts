// DockerAuditRules: the CIS 1.1.3-1.1.18 auditd watches of one node (rules/auditRules.ts) in
// /etc/audit/rules.d/gnh-docker.rules, root:root 0640. The resource resolves the paths on the
// node, writes only those that exist, and loads them where auditd runs; `loaded` and
// `loadStatus` say whether auditd has them (a node without auditd gets the file, not loaded).
import * as pulumi from "@pulumi/pulumi";
import { OnDestroy } from "../lib/destroyPlan";
import { NodeConnection } from "../lib/nodeConnection";
import { AUDIT_RULES_MODE, AUDIT_RULES_PATH, auditRules } from "../rules/auditRules";
import { AuditRules } from "../sdk/auditRules";

export interface DockerAuditRulesArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    /** Rule ids (GNH-AUDIT-*) to leave out; the policy pack reports each one left out. */
    readonly exclude?: readonly string[];
    /** keep (default): destroy leaves the rules on the node, as the rest of the hardening; restore: removes them. */
    readonly onDestroy?: OnDestroy;
}

export class DockerAuditRules extends pulumi.ComponentResource {
    public readonly path: pulumi.Output<string>;
    public readonly loaded: pulumi.Output<boolean>;
    public readonly loadStatus: pulumi.Output<string>;

    constructor(name: string, args: DockerAuditRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:DockerAuditRules", name, {}, opts);
        const rules = new AuditRules(`${name}-audit-rules`, {
            connection: args.connection,
            path: AUDIT_RULES_PATH,
            targets: auditRules.filter((r) => !(args.exclude ?? []).includes(r.id)).map((r) => ({ ruleId: r.id, sources: r.sources })),
            mode: AUDIT_RULES_MODE,
            keepOnDelete: (args.onDestroy ?? "keep") === "keep",
        }, { parent: this });
        this.path = rules.path;
        this.loaded = rules.loaded;
        this.loadStatus = rules.loadStatus;
        this.registerOutputs({ path: this.path, loaded: this.loaded, loadStatus: this.loadStatus });
    }
}
