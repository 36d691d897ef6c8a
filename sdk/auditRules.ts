// Program-side class for the provider's gnh:host:AuditRules (provider/auditRules.ts), made from its contract.
import { AuditRulesContract } from "../contracts/auditRules";
import { resourceClass } from "./resourceClass";

export const AuditRules = resourceClass(AuditRulesContract);
export type AuditRules = InstanceType<typeof AuditRules>;
