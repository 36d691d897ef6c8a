// Live-only rules: runc and engine versions (distribution backports included), the runtimes
// docker info reports, the seccomp profile's hash, and CIS section 3 owners and modes.
import { describe, expect, it } from "vitest";
import { BUILT_IN_ADVISORIES } from "../../lib/advisories";
import { modeAllowed } from "../../lib/fileModes";
import { FILE_EXPECTATIONS, HostFacts, judgeVersion, liveRules, upstreamOf } from "../../rules/liveRules";

const RUNC_ADVISORIES = BUILT_IN_ADVISORIES.runc;
const ENGINE_ADVISORIES = BUILT_IN_ADVISORIES.engine;

const rule = (id: string) => liveRules.find((r) => r.id === id)!;
const SHA = "12f397e74f41fd6a630de68bd66f67ec308301374c70cf9696f1042cbe2eb7c3";

const hardened: HostFacts = {
    runc: { version: "1.3.3", from: "binary" },
    engine: { version: "29.3.1", from: "binary" },
    runtimes: { runc: "runc", nvidia: "/usr/bin/nvidia-container-runtime" },
    seccomp: { path: "/etc/docker/seccomp.json", sha256: SHA },
    files: [
        ...FILE_EXPECTATIONS.map((e) => ({ path: e.paths[0].replace("**/*", "registry.lab:5000/ca"), owner: e.owner, group: e.group, mode: e.mode })),
        { path: "/etc/docker/tls/ca.pem", owner: "root", group: "root", mode: "444" },
        { path: "/etc/docker/tls/key.pem", owner: "root", group: "root", mode: "400" },
    ],
    tlsFiles: [{ key: "tlscacert", path: "/etc/docker/tls/ca.pem" }, { key: "tlskey", path: "/etc/docker/tls/key.pem" }],
    dockerRootMount: { dir: "/var/lib/docker", mountPoint: "/var/lib/docker" },
    dockerGroup: [],
    dockerd: { argv: ["/usr/sbin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"] },
    docker: { securityOptions: ["name=seccomp,profile=/etc/docker/seccomp.json", "name=rootless"], swarm: "inactive", images: 4, imagesInUse: 3, containers: 30, containersRunning: 10 },
    driver: { version: "580.159.03", raw: "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.03  Release Build  (dvs-builder@U16-I1-N08-02-2)  Thu May 14 2026\n" },
    options: { seccompSha256: [SHA] },
};

const badCases: Record<string, { facts: HostFacts; message: string }> = {
    "GNH-RUNTIME-RUNC-ADVISORIES": {
        facts: { ...hardened, runc: { version: "1.1.11", from: "binary" } },
        message: `runc 1.1.11 is affected by CVE-2024-21626 (upstream fix 1.1.12); ${["CVE-2025-31133", "CVE-2025-52565", "CVE-2025-52881"].map((cve) => `${cve} (upstream fix 1.4.0-rc.3 / 1.2.8 / 1.3.3; mitigation: user namespaces, non-root containers and no-new-privileges)`).join("; ")}`,
    },
    "GNH-RUNTIME-ENGINE-ADVISORIES": {
        facts: { ...hardened, engine: { version: "26.1.5", from: "binary" } },
        message: "the Docker engine 26.1.5 is affected by CVE-2026-34040 (upstream fix 29.3.1 / 25.0.16; mitigation: no authorization plugin, or one that does not depend on request bodies)",
    },
    "GNH-DRIVER-ADVISORIES": {
        facts: { ...hardened, driver: { version: "570.195.03", raw: "" } },
        message: "driver 570.195.03 is affected by CVE-2026-24187 (high, NVIDIA-5821: the R570 branch has no fix: affected: a branch the bulletin does not list (R570 and older than R535) gets no fix; move to a listed branch (fixed branches: R595 595.71.05, R580 580.159.03, R535 535.309.01); https://nvidia.custhelp.com/app/answers/detail/a_id/5821) [data/advisories.json (built in), 2026-11-30]",
    },
    "GNH-RUNTIME-NVIDIA-REGISTERED": {
        facts: { ...hardened, runtimes: { runc: "runc", nvidia: "nvidia-container-runtime" } },
        message: 'dockerd runs the nvidia runtime as "nvidia-container-runtime", looked up on its PATH',
    },
    "GNH-RUNTIME-SECCOMP-PROFILE": {
        facts: { ...hardened, seccomp: { path: "/etc/docker/seccomp.json", sha256: "0".repeat(64) } },
        message: `the seccomp profile /etc/docker/seccomp.json has sha256 ${"0".repeat(64)}, not the deployed profile's ${SHA}`,
    },
    "GNH-RUNTIME-FILE-PERMISSIONS": {
        facts: { ...hardened, files: [{ path: "/etc/docker/daemon.json", owner: "root", group: "root", mode: "606" }, ...hardened.files!] },
        message: "/etc/docker/daemon.json is root:root 606, expected root:root 644 or stricter (CIS 3.17, 3.18)",
    },
    "GNH-HOST-DOCKER-PARTITION": {
        facts: { ...hardened, dockerRootMount: { dir: "/var/lib/docker", mountPoint: "/" } },
        message: "Docker's root directory /var/lib/docker is on the root filesystem",
    },
    "GNH-HOST-DOCKER-GROUP": {
        facts: { ...hardened, dockerGroup: ["alice", "ci"] },
        message: "the docker group has members alice, ci: each is root on the node",
    },
    "GNH-DAEMON-ROOTLESS": {
        facts: { ...hardened, docker: { ...hardened.docker!, securityOptions: ["name=seccomp,profile=/etc/docker/seccomp.json"] } },
        message: "dockerd runs as root (rootful): docker info lists no name=rootless",
    },
    "GNH-RUNTIME-TLS-FILES": {
        facts: { ...hardened, files: [...hardened.files!.filter((f) => f.path !== "/etc/docker/tls/key.pem"), { path: "/etc/docker/tls/key.pem", owner: "root", group: "root", mode: "440" }] },
        message: "tlskey /etc/docker/tls/key.pem is root:root 440, expected root:root 400 or stricter",
    },
    "GNH-RUNTIME-DOCKERD-ARGS": {
        facts: { ...hardened, dockerd: { argv: ["/usr/sbin/dockerd", "-H", "fd://", "-H", "tcp://0.0.0.0:2375"] } },
        message: "dockerd listens on tcp://0.0.0.0:2375 without TLS verification (command line: /usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2375)",
    },
    "GNH-HOST-SWARM-MODE": {
        facts: { ...hardened, docker: { ...hardened.docker!, swarm: "active" } },
        message: "swarm mode is active",
    },
    "GNH-HOST-IMAGE-SPRAWL": {
        facts: { ...hardened, docker: { ...hardened.docker!, images: 40, imagesInUse: 3 } },
        message: "37 of 40 images are used by no container",
    },
    "GNH-HOST-CONTAINER-SPRAWL": {
        facts: { ...hardened, docker: { ...hardened.docker!, containers: 40, containersRunning: 10 } },
        message: "30 containers are not running (more than 25)",
    },
};

describe("live rules", () => {
    it("has a bad case for every rule", () => {
        expect(Object.keys(badCases).sort()).toEqual(liveRules.map((r) => r.id).sort());
    });

    it.each(liveRules.map((r) => [r.id, r] as const))("%s passes on a hardened host", (_id, r) => {
        expect(r.evaluate(hardened)).toEqual({ status: "pass" });
    });

    it.each(liveRules.map((r) => [r.id, r] as const))("%s fails on its bad case, and only it", (id, r) => {
        const { facts, message } = badCases[id];
        expect(r.evaluate(facts)).toEqual({ status: "fail", message });
        expect(liveRules.filter((o) => o.id !== id && o.evaluate(facts).status === "fail").map((o) => o.id)).toEqual([]);
    });

    it("are checked live only", () => {
        for (const r of liveRules) {
            expect(r.checkedAt).toEqual(["audit"]);
        }
    });

    it("reads upstream versions out of distribution package versions", () => {
        expect(upstreamOf("1.1.15+ds1-2+deb13u1")).toBe("1.1.15");
        expect(upstreamOf("1:20.10.5+dfsg1-1+deb11u2")).toBe("20.10.5");
        expect(upstreamOf("1.0.0~rc93+ds1-5+deb11u3")).toBe("1.0.0-rc93");
    });

    it("reports a distribution package of an affected upstream version as unverified, not as affected", () => {
        const trixie = { version: "1.1.15+ds1-2+deb13u1", from: "dpkg" as const, distro: "debian" };
        // Debian's changelog names CVE-2025-31133 and -52565, not -52881
        expect(judgeVersion(trixie, RUNC_ADVISORIES)).toEqual({
            affected: [],
            unverified: ["CVE-2025-52881 (upstream fix 1.4.0-rc.3 / 1.2.8 / 1.3.3; mitigation: user namespaces, non-root containers and no-new-privileges)"],
        });
        expect(rule("GNH-RUNTIME-RUNC-ADVISORIES").evaluate({ runc: trixie })).toMatchObject({ status: "fail", message: expect.stringContaining("whether debian backported the fix is not known here") });
        expect(rule("GNH-RUNTIME-RUNC-ADVISORIES").enforcement).toBe("advisory");
        const ubuntu = { version: "1.1.15-0ubuntu1", from: "dpkg" as const, distro: "ubuntu" };
        expect(judgeVersion(ubuntu, RUNC_ADVISORIES).unverified).toHaveLength(3);
    });

    it("judges a Debian package against Debian's fixed version where the table knows it", () => {
        const before = { version: "1.1.15+ds1-2", from: "dpkg" as const, distro: "debian" };
        expect(judgeVersion(before, RUNC_ADVISORIES).affected.map((a) => a.split(" ")[0])).toEqual(["CVE-2025-31133", "CVE-2025-52565"]);
        expect(judgeVersion(before, RUNC_ADVISORIES).affected[0]).toContain("fixed in debian 1.1.15+ds1-2+deb13u1");
        expect(judgeVersion({ version: "1.1.5+ds1-1", from: "dpkg", distro: "debian" }, RUNC_ADVISORIES).affected[0]).toMatch(/^CVE-2024-21626 .*fixed in debian 1.1.5\+ds1-1\+deb12u1/);
        expect(judgeVersion({ version: "1.1.5+ds1-1+deb12u1", from: "dpkg", distro: "debian" }, RUNC_ADVISORIES).affected).toEqual([]);
        // a later Debian security upload (deb13u10 > deb13u9 > deb13u1) and a binNMU (+b6) still count as fixed
        expect(judgeVersion({ version: "1.1.15+ds1-2+deb13u10", from: "dpkg", distro: "debian" }, RUNC_ADVISORIES).affected).toEqual([]);
        const bookwormEngine = { version: "20.10.24+dfsg1-1+deb12u1+b6", from: "dpkg" as const, distro: "debian" };
        expect(judgeVersion(bookwormEngine, ENGINE_ADVISORIES).affected).toEqual([]);
        expect(judgeVersion(bookwormEngine, ENGINE_ADVISORIES).unverified.map((a) => a.split(" ")[0])).toEqual(["CVE-2026-34040"]);
        expect(judgeVersion({ version: "20.10.24+dfsg1-1", from: "dpkg", distro: "debian" }, ENGINE_ADVISORIES).affected.map((a) => a.split(" ")[0])).toEqual(["CVE-2024-41110"]);
        // the lab's engine: 26.1.5 has the upstream 41110 fix, Debian's deb13u1 the 34040 fix
        expect(judgeVersion({ version: "26.1.5+dfsg1-9+deb13u1+b1", from: "dpkg", distro: "debian" }, ENGINE_ADVISORIES)).toEqual({ affected: [], unverified: [] });
        expect(judgeVersion({ version: "26.1.5+dfsg1-9", from: "dpkg", distro: "debian" }, ENGINE_ADVISORIES).affected.map((a) => a.split(" ")[0])).toEqual(["CVE-2026-34040"]);
    });

    it("judges the maintained branches by their own fixes", () => {
        expect(judgeVersion({ version: "1.2.8", from: "binary" }, RUNC_ADVISORIES).affected).toEqual([]);
        expect(judgeVersion({ version: "1.2.7", from: "binary" }, RUNC_ADVISORIES).affected).toHaveLength(3);
        expect(judgeVersion({ version: "1.3.3", from: "binary" }, RUNC_ADVISORIES).affected).toEqual([]);
        expect(judgeVersion({ version: "1.4.0", from: "binary" }, RUNC_ADVISORIES).affected).toEqual([]);
        expect(judgeVersion({ version: "1.4.0-rc.2", from: "binary" }, RUNC_ADVISORIES).affected).toHaveLength(3);
        expect(judgeVersion({ version: "1.0.0-rc6", from: "binary" }, RUNC_ADVISORIES).affected).toHaveLength(5);
        expect(judgeVersion({ version: "1.0.0-rc93", from: "binary" }, RUNC_ADVISORIES).affected).toHaveLength(4);
        expect(judgeVersion({ version: "26.1.5", from: "binary" }, ENGINE_ADVISORIES).affected.map((a) => a.split(" ")[0])).toEqual(["CVE-2026-34040"]);
        expect(judgeVersion({ version: "26.1.4", from: "binary" }, ENGINE_ADVISORIES).affected).toHaveLength(2);
        expect(judgeVersion({ version: "25.0.6", from: "binary" }, ENGINE_ADVISORIES).affected).toHaveLength(1);
        expect(judgeVersion({ version: "29.3.1", from: "binary" }, ENGINE_ADVISORIES).affected).toEqual([]);
    });

    it("compares modes as permission bits", () => {
        expect(modeAllowed("644", "644")).toBe(true);
        expect(modeAllowed("600", "644")).toBe(true);
        expect(modeAllowed("606", "644")).toBe(false);
        expect(modeAllowed("664", "644")).toBe(false);
        expect(modeAllowed("4755", "755")).toBe(false);
        expect(modeAllowed("660", "660")).toBe(true);
    });

    it("checks owner and group too, and skips files that do not exist", () => {
        const r = rule("GNH-RUNTIME-FILE-PERMISSIONS");
        expect(r.evaluate({ files: [{ path: "/var/run/docker.sock", owner: "root", group: "users", mode: "660" }] })).toEqual({
            status: "fail", message: "/var/run/docker.sock is root:users 660, expected root:docker 660 or stricter (CIS 3.15, 3.16)",
        });
        expect(r.evaluate({ files: [{ path: "/etc/cdi" }] }).status).toBe("pass");
    });

    it("reports a missing profile file, and needs an expected hash to judge one", () => {
        const r = rule("GNH-RUNTIME-SECCOMP-PROFILE");
        expect(r.evaluate({ seccomp: { path: "/etc/docker/seccomp.json" }, options: { seccompSha256: [SHA] } })).toEqual({
            status: "fail", message: "the seccomp profile /etc/docker/seccomp.json named in daemon.json does not exist",
        });
        expect(r.evaluate({ seccomp: { path: "/etc/docker/seccomp.json", sha256: SHA } }).status).toBe("not-applicable");
    });
});

describe("modes", () => {
    it("are never allowed when they are not octal digits (fail closed)", () => {
        expect(modeAllowed("", "644")).toBe(false);
        expect(modeAllowed("rw-r--r--", "644")).toBe(false);
        expect(modeAllowed("644", "")).toBe(false);
        expect(modeAllowed("600", "644")).toBe(true);
    });
});

describe("the driver rule", () => {
    it("fails, quoting the file, when a loaded driver's version cannot be read (fail closed)", () => {
        const raw = "NVRM version: something new\n";
        expect(rule("GNH-DRIVER-ADVISORIES").evaluate({ driver: { version: undefined, raw } })).toEqual({
            status: "fail", message: '/proc/driver/nvidia/version does not name a driver version: "NVRM version: something new"',
        });
        expect(rule("GNH-DRIVER-ADVISORIES").evaluate({}).status).toBe("not-applicable");
    });
});
