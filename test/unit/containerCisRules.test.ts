// The CIS container rules whose verdict depends on what only the node knows: the daemon's
// AppArmor/SELinux, icc and default-ulimits, and the processes running in the container.
import { describe, expect, it } from "vitest";
import { containerSpecFromInspect, DockerInspect } from "../../audit/inspect";
import { parseContainerProcesses } from "../../audit/facts";
import { containerAppArmor, containerDefaultBridge, containerSelinux, containerSshd, containerUlimits } from "../../rules/containerCisRules";

const base: DockerInspect = { Id: "c0ffee", Name: "/job", AppArmorProfile: "", Config: { User: "1000" }, HostConfig: { NetworkMode: "bridge", SecurityOpt: [] } };
const spec = (patch: Partial<DockerInspect> = {}, processes?: string[]) => containerSpecFromInspect({ ...base, ...patch }, processes);

describe("GNH-CONTAINER-APPARMOR", () => {
    it("fails a container without a profile only where the host has AppArmor", () => {
        expect(containerAppArmor.evaluate({ container: spec(), daemon: { appArmor: true } })).toEqual({ status: "fail", message: "container job runs without an AppArmor profile on a host that has AppArmor" });
        expect(containerAppArmor.evaluate({ container: spec(), daemon: { appArmor: false } }).status).toBe("not-applicable");
        expect(containerAppArmor.evaluate({ container: spec({ AppArmorProfile: "docker-default" }), daemon: { appArmor: true } }).status).toBe("pass");
    });

    it("fails unconfined whatever the host, and the last --security-opt wins as in Docker", () => {
        expect(containerAppArmor.evaluate({ container: spec({ AppArmorProfile: "unconfined" }), daemon: { appArmor: false } }).status).toBe("fail");
        const last = spec({ HostConfig: { SecurityOpt: ["apparmor=docker-default", "apparmor=unconfined"] } });
        expect(containerAppArmor.evaluate({ container: last }).status).toBe("fail");
    });
});

describe("GNH-CONTAINER-SELINUX", () => {
    it("is not applicable on a host without SELinux unless labelling is disabled", () => {
        expect(containerSelinux.evaluate({ container: spec(), daemon: { selinux: false } }).status).toBe("not-applicable");
        expect(containerSelinux.evaluate({ container: spec({ HostConfig: { SecurityOpt: ["label=disable"] } }), daemon: { selinux: false } }).status).toBe("fail");
        expect(containerSelinux.evaluate({ container: spec(), daemon: { selinux: true } }).status).toBe("pass");
    });
});

describe("GNH-CONTAINER-SSHD", () => {
    it("judges the processes of a running container, by command name", () => {
        expect(containerSshd.evaluate({ container: spec({}, ["tini", "sshd", "python3"]) })).toEqual({ status: "fail", message: "container job runs sshd" });
        expect(containerSshd.evaluate({ container: spec({}, ["python3", "sshd-keygen-helper-not"]) }).status).toBe("pass");
        expect(containerSshd.evaluate({ container: spec({}, undefined) }).status).toBe("not-applicable");
        expect(containerSshd.evaluate({ container: spec({ State: { Running: false } }, ["sshd"]) }).status).toBe("not-applicable");
        // fails closed: a running container whose processes could not be listed
        expect(containerSshd.evaluate({ container: spec({ State: { Running: true } }, undefined) })).toEqual({ status: "fail", message: "container job runs, and its processes could not be read" });
    });
});

describe("GNH-CONTAINER-ULIMITS and GNH-CONTAINER-DEFAULT-BRIDGE", () => {
    it("accept the hardened daemon's defaults, and say so", () => {
        expect(containerUlimits.evaluate({ container: spec(), daemon: { defaultUlimits: true } })).toEqual({ status: "pass", note: "the daemon's default-ulimits apply" });
        expect(containerUlimits.evaluate({ container: spec(), daemon: { defaultUlimits: false } }).status).toBe("fail");
        expect(containerUlimits.evaluate({ container: spec({ HostConfig: { Ulimits: [{ Name: "nofile" }] } }), daemon: { defaultUlimits: false } }).status).toBe("pass");
        expect(containerDefaultBridge.evaluate({ container: spec(), daemon: { iccDisabled: true } }).status).toBe("pass");
        expect(containerDefaultBridge.evaluate({ container: spec(), daemon: { iccDisabled: false } }).status).toBe("fail");
        expect(containerDefaultBridge.evaluate({ container: spec({ HostConfig: { NetworkMode: "jobs" } }), daemon: { iccDisabled: false } }).status).toBe("pass");
    });

    it("do not guess before the daemon is known", () => {
        expect(containerUlimits.evaluate({ container: spec() }).status).toBe("not-applicable");
        expect(containerDefaultBridge.evaluate({ container: spec() }).status).toBe("not-applicable");
    });
});

describe("the probe's process listing", () => {
    it("reads docker top's PID COMMAND lines per container id", () => {
        const id = "8".repeat(64);
        const parsed = parseContainerProcesses(`### ${id}\n   1246 sshd\n   1250 python3 -u\n### ${"9".repeat(64)}\n`);
        expect(parsed.get(id)).toEqual(["sshd", "python3 -u"]);
        expect(parsed.get("9".repeat(64))).toEqual([]);
    });
});
