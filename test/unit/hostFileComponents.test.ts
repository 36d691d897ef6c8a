// SeccompProfile, DockerAuditRules and CisFileModes under Pulumi mocks: the resource each hands the
// gnh provider, with the contract's defaults filled in and onDestroy mapped, under the component.
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, RegisteredResource } from "../support/mocks";
import { AUDIT_RULES_TYPE, FILE_MODES_TYPE, MANAGED_FILE_TYPE } from "../../lib/resourceTypes";
import { SECCOMP_PROFILE_PATH } from "../../rules/daemonRules";
import { auditRules } from "../../rules/auditRules";
import { FILE_EXPECTATIONS } from "../../rules/liveRules";

const registered = installMocks();
const connection = {
    name: "gpu-21", host: "gpu-21.example.internal", port: 22, user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
};
const resource = (name: string): RegisteredResource => {
    const found = registered.find((r) => r.name === name);
    expect(found, `no resource ${name} registered`).toBeDefined();
    return found!;
};

beforeAll(async () => {
    const { SeccompProfile } = await import("../../components/seccompProfile");
    const { DockerAuditRules } = await import("../../components/dockerAuditRules");
    const { CisFileModes } = await import("../../components/cisFileModes");
    new SeccompProfile("keep", { connection });
    new SeccompProfile("restore", { connection, onDestroy: "restore" });
    new DockerAuditRules("keep", { connection });
    new DockerAuditRules("restore", { connection, onDestroy: "restore", exclude: ["GNH-AUDIT-DOCKERD"] });
    new CisFileModes("gpu-21", { connection });
    await new Promise((resolve) => setTimeout(resolve, 200));
});

describe("SeccompProfile", () => {
    it("writes the hardened profile root:root 0644 at the path daemon.json names", () => {
        const file = resource("keep-seccomp-json");
        expect(file.type).toBe(MANAGED_FILE_TYPE);
        expect(file.inputs).toMatchObject({ path: SECCOMP_PROFILE_PATH, owner: "root", group: "root", mode: "0644", connection });
        const profile = JSON.parse(file.inputs.content as string) as { defaultAction: string; syscalls: unknown[] };
        expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
        expect(profile.syscalls.length).toBeGreaterThan(0);
    });

    it("keeps the profile on destroy by default; on restore removes it unless daemon.json still names it", () => {
        expect(resource("keep-seccomp-json").inputs).toMatchObject({ keepOnDelete: true });
        expect(resource("keep-seccomp-json").inputs.keepWhileNamedBy).toBeUndefined();
        expect(resource("restore-seccomp-json").inputs).toMatchObject({ keepOnDelete: false, keepWhileNamedBy: { file: "/etc/docker/daemon.json", key: "seccomp-profile" } });
    });

    it("sits under its component", () => {
        expect(registered.find((r) => r.name === "keep")?.type).toBe("gpu-node-hardening:index:SeccompProfile");
    });
});

describe("DockerAuditRules", () => {
    it("hands over every catalog audit rule by default, the file root:root 0640, kept on destroy", () => {
        const rules = resource("keep-audit-rules");
        expect(rules.type).toBe(AUDIT_RULES_TYPE);
        expect(rules.inputs).toMatchObject({ owner: "root", group: "root", mode: "0640", keepOnDelete: true, connection });
        expect((rules.inputs.targets as { ruleId: string }[]).map((t) => t.ruleId)).toEqual(auditRules.map((r) => r.id));
    });

    it("leaves out an excluded rule, and removes the file on destroy with restore", () => {
        const rules = resource("restore-audit-rules");
        expect(rules.inputs.keepOnDelete).toBe(false);
        const ids = (rules.inputs.targets as { ruleId: string }[]).map((t) => t.ruleId);
        expect(ids).not.toContain("GNH-AUDIT-DOCKERD");
        expect(ids).toHaveLength(auditRules.length - 1);
    });
});

describe("CisFileModes", () => {
    it("hands over exactly the enforced file expectations, nothing the audit only judges", () => {
        const modes = resource("gpu-21-file-modes");
        expect(modes.type).toBe(FILE_MODES_TYPE);
        const enforced = FILE_EXPECTATIONS.filter((e) => e.enforced);
        expect(enforced.length).toBeGreaterThan(0);
        expect(modes.inputs.files).toEqual(enforced.map(({ paths, owner, group, mode }) => ({ paths, owner, group, mode })));
        expect(modes.inputs.connection).toEqual(connection);
    });
});
