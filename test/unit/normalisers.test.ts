// One normaliser per kind of value, each read the way its consumer reads it: Go's filepath.Clean,
// strconv.Atoi and strconv.ParseBool (Docker and runc), and the unspecified address in every spelling.
import { describe, expect, it } from "vitest";
import { parseVolumes } from "../../audit/facts";
import { containerSpecFromInspect } from "../../audit/inspect";
import { containerSpecFromInputs } from "../../policies/containerPolicies";
import { containerGpusExplicit, containerNoNewPrivileges, containerSensitiveMounts } from "../../rules/containerRules";
import { cdiRequestsFromAnnotations, cgroupRuleGrantsGpus, gpuDeviceProblem, gpuRequestsFromMounts } from "../../rules/normalisers/gpuRequests";
import { goAtoi, parseDockerUser, rootProblem } from "../../rules/normalisers/dockerUser";
import { runtimeDockerdArgs } from "../../rules/hostCisRules";
import { parseDockerdFlags } from "../../rules/normalisers/dockerdFlags";
import { goParseBool } from "../../rules/normalisers/goBool";
import { isEveryInterface } from "../../rules/normalisers/hostAddress";
import { cleanPath, isUnder, reaches } from "../../rules/normalisers/hostPath";
import { volumeBindSource } from "../../rules/normalisers/volumeOptions";

describe("host paths", () => {
    it.each([["/etc/./ssh/", "/etc/ssh"], ["//etc", "/etc"], ["/srv/../etc", "/etc"], ["/../..", "/"], ["/var/run/", "/var/run"]])("cleans %s to %s", (raw, clean) => {
        expect(cleanPath(raw)).toBe(clean);
    });

    it("compares by component, both ways", () => {
        expect(isUnder("/etcetera", "/etc")).toBe(false);
        expect(isUnder("/etc/ssh", "/etc/")).toBe(true);
        expect(reaches("/var", "/var/lib/docker")).toBe(true);
        expect(reaches("/var/lib/docker/volumes", "/var/lib/docker")).toBe(true);
        expect(reaches("/srv", "/var/lib/docker")).toBe(false);
    });
});

describe("users", () => {
    it("reads numbers as Go's Atoi does", () => {
        expect(["0", "00", "+0", "-0", "1000"].map(goAtoi)).toEqual([0, 0, 0, 0, 1000]);
        expect([" 0", "0x0", "0.0", ""].map(goAtoi)).toEqual([undefined, undefined, undefined, undefined]);
        expect(parseDockerUser("app:staff")).toEqual({ user: "app", group: "staff", uid: undefined, gid: undefined });
    });

    it("finds root and the root group in every spelling, and leaves other users alone", () => {
        expect(["", "0", "00", "root", "root:1000", "0:0", "1000:0", "1000:root", "1000:00"].map((u) => rootProblem(u) !== undefined)).toEqual(Array(9).fill(true));
        expect(["1000", "1000:1000", "app", "app:staff", "nobody"].map(rootProblem)).toEqual(Array(5).fill(undefined));
    });
});

describe("booleans", () => {
    it("are Go's ParseBool", () => {
        expect(["1", "t", "T", "TRUE", "true", "True"].map(goParseBool)).toEqual(Array(6).fill(true));
        expect(["0", "f", "F", "FALSE", "false", "False"].map(goParseBool)).toEqual(Array(6).fill(false));
        expect(["yes", "on", "tRUE", " true", ""].map(goParseBool)).toEqual(Array(5).fill(undefined));
    });

    it("fail closed where Docker could not read the value", () => {
        const container = { source: "inputs", name: "job", privileged: false, capAdd: [], capDrop: ["ALL"], user: "1000", env: {}, deviceRequests: [], devices: [], mounts: [], namespaces: {}, securityOpts: ["no-new-privileges=yes"], restart: { name: "no", maxRetries: 0 }, readOnlyRootfs: true, ports: [], publishAllPorts: false } as const;
        expect(containerNoNewPrivileges.evaluate({ container, daemon: { noNewPrivileges: true } })).toEqual({ status: "fail", message: "container job sets no-new-privileges=yes, which Docker cannot read as a boolean" });
    });
});

describe("addresses", () => {
    it.each(["", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "0000::", "::0", "::ffff:0.0.0.0", "::0.0.0.0"])("%j is every interface", (address) => {
        expect(isEveryInterface(address)).toBe(true);
    });

    it.each(["127.0.0.1", "::1", "10.0.0.5", "fe80::1", "::ffff:10.0.0.1", "1::"])("%j is one address", (address) => {
        expect(isEveryInterface(address)).toBe(false);
    });
});

describe("GPU requests, as the toolkit reads them", () => {
    it("reads volume-mount requests: /dev/null sources only, cleaned, cdi/ forms qualified, imex/ left out", () => {
        const mounts = [
            { source: "/dev/null", target: "/var/run/nvidia-container-devices/0" },
            { source: "/dev/./null", target: "//var/run/nvidia-container-devices/cdi/nvidia.com/gpu/all/" },
            { source: "/dev/null", target: "/var/run/nvidia-container-devices/cdi/nvidia.com/gpu=1" },
            { source: "/dev/null", target: "/var/run/nvidia-container-devices/imex/0" },
            { source: "/srv/x", target: "/var/run/nvidia-container-devices/all" },
            { source: "/dev/null", target: "/var/run/nvidia-container-devices" },
        ];
        expect(gpuRequestsFromMounts(mounts)).toEqual(["0", "nvidia.com/gpu=all", "nvidia.com/gpu=1"]);
    });

    it("reads CDI annotations under cdi.k8s.io/, and the GPU rule fails one that asks for all (the audit sees annotations; Pulumi inputs have none)", () => {
        expect(cdiRequestsFromAnnotations({ "cdi.k8s.io/b": "nvidia.com/gpu=all", "cdi.k8s.io/a": "nvidia.com/gpu=0,nvidia.com/gpu=1", "other/x": "nvidia.com/gpu=all" }))
            .toEqual(["nvidia.com/gpu=0", "nvidia.com/gpu=1", "nvidia.com/gpu=all"]);
        const spec = (annotations: Record<string, string>) => containerSpecFromInspect({ Name: "/job", Config: { User: "1000" }, HostConfig: { Annotations: annotations } });
        expect(containerGpusExplicit.evaluate({ container: spec({ "cdi.k8s.io/job": "nvidia.com/gpu=all" }) }).status).toBe("fail");
        expect(containerGpusExplicit.evaluate({ container: spec({ "cdi.k8s.io/job": "nvidia.com/gpu=0" }) }).status).toBe("pass");
    });

    it("knows GPU device nodes by name, by /dev/char alias and by a directory that holds them; and device cgroup rules for them", () => {
        expect(["/dev/nvidia0", "/dev/nvidiactl", "/dev/char/195:255", "/dev", "/dev/", "/dev/char", "//dev/nvidia-uvm"].map((p) => gpuDeviceProblem(p) !== undefined)).toEqual(Array(7).fill(true));
        expect(["/dev/fuse", "/dev/char/10:200", "/dev/dri"].map(gpuDeviceProblem)).toEqual([undefined, undefined, undefined]);
        expect(["c 195:* rwm", "c *:* rwm", "a *:* rwm", "c 195:0 r"].map(cgroupRuleGrantsGpus)).toEqual([true, true, true, true]);
        expect(["c 10:200 rwm", "b 8:* r", "c 195:* x"].map(cgroupRuleGrantsGpus)).toEqual([false, false, false]);
    });
});

describe("volumes whose options bind a host path", () => {
    it("are binds of that path, for the policy pack and for the audit alike", () => {
        expect(volumeBindSource("local", { type: "none", o: "bind", device: "/etc" })).toBe("/etc");
        expect(volumeBindSource(undefined, { type: "none", o: "ro,rbind", device: "/var/run" })).toBe("/var/run");
        expect(volumeBindSource("local", { type: "nfs", o: "addr=10.0.0.1", device: ":/export" })).toBeUndefined();
        expect(volumeBindSource("other-driver", { o: "bind", device: "/etc" })).toBeUndefined();
        const fromInputs = containerSpecFromInputs({ name: "job", user: "1000", mounts: [{ type: "volume", source: "hostetc", target: "/h", volumeOptions: { driverName: "local", driverOptions: { type: "none", o: "bind", device: "/etc" } } }] });
        const fromInspect = containerSpecFromInspect({ Name: "/job", Config: { User: "1000" }, Mounts: [{ Type: "volume", Name: "hostetc", Destination: "/h", RW: true }] }, undefined,
            parseVolumes(JSON.stringify([{ Name: "hostetc", Driver: "local", Options: { type: "none", o: "bind", device: "/etc" } }])));
        for (const container of [fromInputs, fromInspect]) {
            expect(container.mounts[0]).toMatchObject({ type: "bind", source: "/etc", readOnly: false });
            expect(containerSensitiveMounts.evaluate({ container }).status).toBe("fail");
        }
    });
});

describe("dockerd's command line, read as pflag reads it", () => {
    it.each([
        [["dockerd", "-H", "tcp://0.0.0.0:2375"], ["tcp://0.0.0.0:2375"]],
        [["dockerd", "-H=tcp://0.0.0.0:2375"], ["tcp://0.0.0.0:2375"]],
        [["dockerd", "-Htcp://0.0.0.0:2375"], ["tcp://0.0.0.0:2375"]],
        [["dockerd", "--host", "tcp://0.0.0.0:2375"], ["tcp://0.0.0.0:2375"]],
        [["dockerd", "--host=tcp://0.0.0.0:2375", "-H", "fd://"], ["tcp://0.0.0.0:2375", "fd://"]],
        [["dockerd", "--", "-H", "tcp://x"], []],
    ])("%j has hosts %j", (argv, hosts) => {
        expect(parseDockerdFlags(argv).hosts).toEqual(hosts);
    });

    it("reads --tlsverify and --config-file in every form, and keeps what it cannot read", () => {
        expect(parseDockerdFlags(["dockerd", "--tlsverify"]).tlsverify).toBe(true);
        expect(parseDockerdFlags(["dockerd", "--tlsverify=0"]).tlsverify).toBe(false);
        expect(parseDockerdFlags(["dockerd", "--tlsverify=maybe"]).unreadable).toEqual(["--tlsverify=maybe"]);
        expect(parseDockerdFlags(["dockerd", "--config-file", "/etc/docker/other.json"]).configFile).toBe("/etc/docker/other.json");
        expect(parseDockerdFlags(["dockerd", "--config-file=/x.json"]).configFile).toBe("/x.json");
    });

    it("fails a TCP socket without TLS and a config file dockerd reads instead of ours, from any source", () => {
        const judge = (argv: string[], fileTlsVerify?: boolean) => runtimeDockerdArgs.evaluate({ dockerd: { argv, fileTlsVerify } }).status;
        expect(judge(["dockerd", "-H", "fd://"])).toBe("pass");
        expect(judge(["dockerd", "-H", "tcp://0.0.0.0:2376", "--tlsverify"])).toBe("pass");
        expect(judge(["dockerd", "-H", "tcp://0.0.0.0:2376"], true)).toBe("pass");
        expect(judge(["dockerd", "-H", "TCP://0.0.0.0:2375"])).toBe("fail");
        expect(judge(["dockerd", "--config-file=/etc/docker/other.json"])).toBe("fail");
        expect(judge(["dockerd", "--config-file=/etc/docker//daemon.json"])).toBe("pass");
    });
});
