// The contract of gnh:host:AuditRules (provider/auditRules.ts, sdk/auditRules.ts): its inputs and outputs, once.
import { NodeConnection } from "../lib/nodeConnection";
import { AUDIT_RULES_TYPE } from "../lib/resourceTypes";
import { AuditTarget } from "../lib/auditPaths";
import { defineContract } from "./contract";

export interface AuditRulesInputs {
    readonly connection: NodeConnection;
    /** A file augenrules reads: /etc/audit/rules.d/NAME.rules. */
    readonly path: string;
    /** The catalog's audit rules: what to watch, before resolution on the node. */
    readonly targets: readonly AuditTarget[];
    readonly owner: string;
    readonly group: string;
    /** Octal permission bits, "0640". */
    readonly mode: string;
    /** On destroy: leave the file on the node (onDestroy keep). */
    readonly keepOnDelete?: boolean;
}

export interface AuditRulesOutputs extends AuditRulesInputs {
    readonly content: string;
    readonly sha256: string;
    /** Rule id -> the real paths watched on the node. */
    readonly resolved: Readonly<Record<string, readonly string[]>>;
    /** Whether auditd has these rules loaded now. */
    readonly loaded: boolean;
    /** How the rules were loaded, or why not. */
    readonly loadStatus: string;
    readonly notes: readonly string[];
    /** Set by refresh only: how the node differs from what we wrote (empty = in sync). */
    readonly drift: readonly string[];
}

export const AuditRulesContract = defineContract<AuditRulesInputs, AuditRulesOutputs>()({
    type: AUDIT_RULES_TYPE,
    inputs: { connection: true, path: true, targets: true, owner: true, group: true, mode: true, keepOnDelete: true },
    outputs: { content: true, sha256: true, resolved: true, loaded: true, loadStatus: true, notes: true, drift: true },
    defaults: { owner: "root", group: "root", mode: "0640", keepOnDelete: false },
});
