// The audit without a node: probe output parsing, facts, evaluation over the whole catalog, exit
// codes, and the CLI's arguments.
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../audit/cli";
import { AUDIT_FAMILIES, auditedRuleIds, evaluateNode, exitCode, NodeResult } from "../../audit/evaluate";
import { factsFromProbe, parseAptSources, parseDpkg, parseKeyrings, parseStat, thirdPartySources } from "../../audit/facts";
import { mapBounded } from "../../audit/run";
import { parseProbeOutput, PROBE_SCRIPT, PROBE_SECTIONS, probeArgs } from "../../audit/probe";
import { renderAuditRules } from "../../lib/auditRulesFile";
import { desiredDaemonConfig } from "../../lib/daemonMerge";
import { auditRules } from "../../rules/auditRules";
import { catalog } from "../../rules/catalog";

const MIRROR_FPR = "8D10C53CED819F7C8AD93888E59F858F05C78659";
const SHA = "12f397e74f41fd6a630de68bd66f67ec308301374c70cf9696f1042cbe2eb7c3";

const CONFIG_TOML = `accept-nvidia-visible-devices-as-volume-mounts = true
accept-nvidia-visible-devices-envvar-when-unprivileged = false

[features]
disable-cuda-compat-lib-hook = false

[nvidia-container-cli]
ldconfig = "@/sbin/ldconfig"
`;

/** gnh_audit_paths on a lab node (Debian 13, docker.io): real paths, only those that exist. */
const LAB_AUDIT_PATHS: Record<string, string[]> = {
    "GNH-AUDIT-DOCKERD": ["/usr/sbin/dockerd"],
    "GNH-AUDIT-RUN-CONTAINERD": ["/run/containerd"],
    "GNH-AUDIT-VAR-LIB-DOCKER": ["/var/lib/docker"],
    "GNH-AUDIT-ETC-DOCKER": ["/etc/docker"],
    "GNH-AUDIT-DOCKER-SERVICE": ["/usr/lib/systemd/system/docker.service"],
    "GNH-AUDIT-CONTAINERD-SOCK": ["/run/containerd/containerd.sock"],
    "GNH-AUDIT-DOCKER-SOCKET": ["/usr/lib/systemd/system/docker.socket"],
    "GNH-AUDIT-ETC-DEFAULT-DOCKER": ["/etc/default/docker"],
    "GNH-AUDIT-DAEMON-JSON": ["/etc/docker/daemon.json"],
    "GNH-AUDIT-CONTAINERD-CONFIG": ["/etc/containerd/config.toml"],
    "GNH-AUDIT-CONTAINERD": ["/usr/bin/containerd"],
    "GNH-AUDIT-CONTAINERD-SHIM": ["/usr/bin/containerd-shim"],
    "GNH-AUDIT-CONTAINERD-SHIM-RUNC-V1": ["/usr/bin/containerd-shim-runc-v1"],
    "GNH-AUDIT-CONTAINERD-SHIM-RUNC-V2": ["/usr/bin/containerd-shim-runc-v2"],
    "GNH-AUDIT-RUNC": ["/usr/sbin/runc"],
};
const LAB_AUDIT_PATHS_TEXT = Object.entries(LAB_AUDIT_PATHS).flatMap(([id, paths]) => paths.map((p) => `${id} ${p}`)).join("\n") + "\n";
const LAB_AUDIT_RULES = renderAuditRules(auditRules.map((r) => r.id), LAB_AUDIT_PATHS).content;

const inspect = (name: string, host: Record<string, unknown>, config: Record<string, unknown> = {}) => ({
    Id: `${name}-id`, Name: `/${name}`, Config: { User: "", Env: ["PATH=/usr/bin"], Image: "gnh-sleep:1", ...config },
    HostConfig: { Privileged: false, CapAdd: null, CapDrop: null, Runtime: "runc", NetworkMode: "bridge", SecurityOpt: null, Memory: 0, PidsLimit: null, RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, ReadonlyRootfs: false, ...host },
    Mounts: [],
});

/** What the probe prints on a hardened lab node, section by section (stdout, exit code). */
function probeText(overrides: Record<string, [string, number?]> = {}): string {
    const sections: Record<string, [string, number?]> = {
        "os": ['PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n'],
        "daemon-json": [JSON.stringify({ ...desiredDaemonConfig(), "seccomp-profile": "/etc/docker/seccomp.json" })],
        "docker-info": [JSON.stringify({ ServerVersion: "26.1.5+dfsg1", DefaultRuntime: "runc", Runtimes: { runc: { path: "runc" }, nvidia: { path: "/usr/bin/nvidia-container-runtime" } },
            LiveRestoreEnabled: true, SecurityOptions: ["name=seccomp,profile=/etc/docker/seccomp.json", "name=no-new-privileges"], Swarm: { LocalNodeState: "inactive" } })],
        "docker-root-mount": ["/var/lib/docker\n/var/lib/docker\n"],
        "docker-group": ["docker:x:999:\n"],
        "docker-unit": ["/usr/lib/systemd/system/docker.service\n\n"],
        "dockerd-argv": ["/usr/sbin/dockerd\n-H\nfd://\n--containerd=/run/containerd/containerd.sock\n"],
        "seccomp-sha256": [`/etc/docker/seccomp.json\n${SHA}\n`],
        "dpkg": [["nvidia-container-toolkit", "nvidia-container-toolkit-base", "libnvidia-container-tools", "libnvidia-container1"].map((p) => `${p}\t1.20.2-1\thi `).join("\n")
            + "\ndocker.io\t26.1.5+dfsg1-9+deb13u1+b1\tii \nrunc\t1.1.15+ds1-2+deb13u1\tii \ncontainerd\t1.7.24~ds1-6+deb13u1\tii \n", 1],
        "runc-version": ["runc version 1.1.15+ds1\ncommit: 1.1.15+ds1-2+deb13u1\n"],
        "config-toml": [CONFIG_TOML],
        "apt-sources": ["### /etc/apt/sources.list.d/nvidia-container-toolkit.list\ndeb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] http://gnh-mirror/good/stable/deb/amd64 /\n\n"],
        "keyrings": [`### /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg\n${MIRROR_FPR}\n`],
        "stat": ["/etc/docker root root 755\n/etc/docker/daemon.json root root 644\n/var/run/docker.sock root docker 660\n/etc/cdi -\n"],
        "audit-paths": [LAB_AUDIT_PATHS_TEXT],
        "audit-rules": [`### /etc/audit/rules.d/gnh-docker.rules\n${LAB_AUDIT_RULES}\n`],
        "audit-loaded": ["", 3], // auditd does not run in a lab container
        "nvidia-driver": ["", 1], // no GPU driver in a lab container
        "container-processes": [""],
        "volumes": ["[]\n"],
        "containers": ["[]\n"],
        ...overrides,
    };
    return Object.entries(sections).map(([name, [out, code]]) => `${name} ${code ?? 0} ${Buffer.from(out).toString("base64")} ${Buffer.from("").toString("base64")}`).join("\n") + "\n";
}

const labOptions = { toolkit: { trustedFingerprints: [MIRROR_FPR] }, live: { seccompSha256: [SHA] } };
const failing = (result: ReturnType<typeof evaluateNode>) => result.filter((f) => f.status === "fail").map((f) => `${f.ruleId} ${f.target}`).sort();

describe("the probe", () => {
    it("is one fixed script whose arguments carry only our own constants", () => {
        expect(PROBE_SCRIPT).toContain("docker inspect $ids");
        expect(PROBE_SCRIPT).toContain("docker ps -aq"); // stopped containers too
        expect(probeArgs().slice(0, 2)).toEqual(["/etc/docker/seccomp.json", "/etc/nvidia-container-runtime/config.toml"]);
    });

    it("parses every section and refuses output that lacks one", () => {
        const parsed = parseProbeOutput(probeText());
        expect(Object.keys(parsed).sort()).toEqual([...PROBE_SECTIONS].sort());
        expect(parsed.dpkg.code).toBe(1);
        const truncated = probeText().split("\n").filter((l) => !l.startsWith("containers ")).join("\n");
        expect(() => parseProbeOutput(truncated)).toThrow("the probe's output lacks section containers");
    });
});

describe("facts", () => {
    it("reads dpkg, stat, apt sources (one-line and deb822) and keyrings", () => {
        expect(parseDpkg("runc\t1.1.15\tii \nfoo\t1.0\tun \n")).toEqual({ runc: { version: "1.1.15", installed: true }, foo: { version: "1.0", installed: false } });
        expect(parseStat("/etc/docker root root 755\n/etc/cdi -\n")).toEqual([{ path: "/etc/docker", owner: "root", group: "root", mode: "755" }, { path: "/etc/cdi" }]);
        const sources = parseAptSources([
            "### /etc/apt/sources.list",
            "# a comment",
            "deb http://deb.debian.org/debian trixie main",
            "deb [arch=amd64 signed-by=/k.gpg] https://vendor.example.com/apt stable main # trailing",
            "### /etc/apt/sources.list.d/debian.sources",
            "Types: deb",
            "URIs: http://deb.debian.org/debian",
            "Suites: trixie",
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
            "",
            "Types: deb",
            "URIs: https://download.docker.com/linux/debian",
            "Suites: trixie",
            "Enabled: yes",
            "",
            "Types: deb",
            "URIs: http://disabled.example.com/",
            "Enabled: no",
        ].join("\n"));
        expect(sources.map(({ options: _options, ...rest }) => rest)).toEqual([
            { origin: "/etc/apt/sources.list", uri: "http://deb.debian.org/debian", signedBy: undefined },
            { origin: "/etc/apt/sources.list", uri: "https://vendor.example.com/apt", signedBy: "/k.gpg" },
            { origin: "/etc/apt/sources.list.d/debian.sources", uri: "http://deb.debian.org/debian", signedBy: "/usr/share/keyrings/debian-archive-keyring.gpg" },
            { origin: "/etc/apt/sources.list.d/debian.sources", uri: "https://download.docker.com/linux/debian", signedBy: undefined },
        ]);
        expect(sources[1].options).toEqual({ arch: "amd64", "signed-by": "/k.gpg" });
        // the distribution's own archive is left to the distribution
        expect(thirdPartySources(sources, parseKeyrings(`### /k.gpg\n${MIRROR_FPR}\n`)).map((s) => [s.uri, s.fingerprints])).toEqual([
            ["https://vendor.example.com/apt", [MIRROR_FPR]],
            ["https://download.docker.com/linux/debian", undefined],
        ]);
    });

    it("turn a hardened node's probe into facts", () => {
        const facts = factsFromProbe(parseProbeOutput(probeText()));
        expect(facts.toolkit?.version).toBe("1.20.2-1");
        expect(facts.toolkit?.runtimeConfig).toMatchObject({ "nvidia-container-cli.ldconfig": "@/sbin/ldconfig", "accept-nvidia-visible-devices-envvar-when-unprivileged": false });
        expect(facts.host.runc).toEqual({ version: "1.1.15+ds1-2+deb13u1", from: "dpkg", distro: "debian", package: "runc" });
        expect(facts.host.driver).toBeUndefined();
        expect(facts.host.seccomp).toEqual({ path: "/etc/docker/seccomp.json", sha256: SHA });
        expect(facts.aptSources).toEqual([{ origin: "/etc/apt/sources.list.d/nvidia-container-toolkit.list", uri: "http://gnh-mirror/good/stable/deb/amd64", signedBy: "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg", options: { "signed-by": "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg" }, fingerprints: [MIRROR_FPR] }]);
        expect(facts.warnings).toEqual([]);
        expect(facts.audit).toMatchObject({ resolved: LAB_AUDIT_PATHS, watchesFrom: "files" });
        expect(facts.audit.watches).toContainEqual({ path: "/usr/sbin/dockerd", perms: "wa", key: "docker" });
    });

    it("prefer the loaded audit rules where auditd runs, and warn about lines auditctl would refuse", () => {
        const loaded = factsFromProbe(parseProbeOutput(probeText({ "audit-loaded": ["-w /usr/sbin/dockerd -p wa -k docker\n"] })));
        expect(loaded.audit).toMatchObject({ watchesFrom: "loaded", watches: [{ path: "/usr/sbin/dockerd", perms: "wa", key: "docker" }] });
        const broken = factsFromProbe(parseProbeOutput(probeText({ "audit-rules": ["### /etc/audit/rules.d/x.rules\n-w etc/docker -k docker\n"] })));
        expect(broken.warnings).toEqual(["audit rules: /etc/audit/rules.d/x.rules:1: -w needs an absolute path: -w etc/docker -k docker"]);
    });

    it("judge a missing daemon.json as Docker's defaults, and report one that is not JSON", () => {
        expect(factsFromProbe(parseProbeOutput(probeText({ "daemon-json": ["", 1] }))).daemon).toEqual({});
        const broken = factsFromProbe(parseProbeOutput(probeText({ "daemon-json": ["{", 0] })));
        expect(broken.daemon).toBeUndefined();
        expect(broken.warnings[0]).toMatch(/^\/etc\/docker\/daemon.json is not JSON/);
    });
});

describe("evaluation", () => {
    it("covers every catalog rule that can be checked live", () => {
        expect(auditedRuleIds().sort()).toEqual(catalog.filter((r) => r.checkedAt.includes("audit")).map((r) => r.id).sort());
        expect(AUDIT_FAMILIES.container.length).toBeGreaterThan(0);
    });

    it("finds only the documented expected findings on a hardened lab node", () => {
        const findings = evaluateNode("gnh-node-2", factsFromProbe(parseProbeOutput(probeText())), labOptions);
        // documented choices (userns-remap opt-in, no authorization plugin, rootful for the GPU hook) and runc's advisory
        expect(failing(findings)).toEqual(["GNH-DAEMON-AUTHORIZATION host", "GNH-DAEMON-ROOTLESS host", "GNH-DAEMON-USERNS-REMAP host", "GNH-RUNTIME-RUNC-ADVISORIES host"]);
        expect(findings.filter((f) => f.status === "fail").every((f) => f.enforcement === "advisory")).toBe(true);
        expect(exitCode([{ node: "gnh-node-2", status: "audited", findings, warnings: [], containers: 0, durationMs: 1 }])).toBe(0);
    });

    it.each([
        ["icc true", { "daemon-json": [JSON.stringify({ ...desiredDaemonConfig(), "seccomp-profile": "/etc/docker/seccomp.json", icc: true })] }, "GNH-DAEMON-ICC host"],
        ["seccomp profile replaced", { "seccomp-sha256": [`/etc/docker/seccomp.json\n${"a".repeat(64)}\n`] }, "GNH-RUNTIME-SECCOMP-PROFILE host"],
        ["envvar flag flipped", { "config-toml": [CONFIG_TOML.replace("envvar-when-unprivileged = false", "envvar-when-unprivileged = true")] }, "GNH-TOOLKIT-ENVVAR-UNPRIVILEGED host"],
        ["config.toml group-writable", { stat: ["/etc/nvidia-container-runtime/config.toml root root 664\n"] }, "GNH-RUNTIME-FILE-PERMISSIONS host"],
        ["no audit rules file", { "audit-rules": [""] }, "GNH-AUDIT-DOCKERD host"],
        ["a watch without the attribute filter", { "audit-rules": [`### /etc/audit/rules.d/x.rules\n${LAB_AUDIT_RULES.replace("-w /usr/sbin/runc -p wa", "-w /usr/sbin/runc -p w")}`] }, "GNH-AUDIT-RUNC host"],
        ["auditd runs without our watches loaded", { "audit-loaded": ["-w /etc/docker -p wa -k docker\n"] }, "GNH-AUDIT-DOCKERD host"],
        ["audit rules group-writable", { stat: ["/etc/audit/rules.d/gnh-docker.rules root root 660\n"] }, "GNH-RUNTIME-FILE-PERMISSIONS host"],
        ["privileged container", { containers: [JSON.stringify([inspect("priv", { Privileged: true })])] }, "GNH-CONTAINER-PRIVILEGED container priv"],
        ["rw /etc", { containers: [JSON.stringify([{ ...inspect("etc", {}), Mounts: [{ Type: "bind", Source: "/etc", Destination: "/host-etc", RW: true }] }])] }, "GNH-CONTAINER-SENSITIVE-MOUNTS container etc"],
    ] as const)("finds %s", (_name, override, expected) => {
        const findings = evaluateNode("gnh-node-2", factsFromProbe(parseProbeOutput(probeText(override as never))), labOptions);
        expect(failing(findings)).toContain(expected);
    });

    it("finds a downgraded toolkit with its CVE ids", () => {
        const downgraded = ["nvidia-container-toolkit", "nvidia-container-toolkit-base", "libnvidia-container-tools", "libnvidia-container1"].map((p) => `${p}\t1.17.7-1\thi `).join("\n");
        const findings = evaluateNode("gnh-node-2", factsFromProbe(parseProbeOutput(probeText({ dpkg: [downgraded, 1] }))), labOptions);
        const advisories = findings.find((f) => f.ruleId === "GNH-TOOLKIT-ADVISORIES");
        expect(advisories).toMatchObject({ status: "fail", message: expect.stringContaining("CVE-2025-23266") });
        expect(findings.find((f) => f.ruleId === "GNH-TOOLKIT-COMPAT-HOOK")?.status).toBe("fail");
    });

    it("leaves out excluded rules and keeps only included ones", () => {
        const facts = factsFromProbe(parseProbeOutput(probeText()));
        expect(evaluateNode("n", facts, { ...labOptions, exclude: ["GNH-DAEMON-USERNS-REMAP"] }).some((f) => f.ruleId === "GNH-DAEMON-USERNS-REMAP")).toBe(false);
        expect(new Set(evaluateNode("n", facts, { include: ["GNH-DAEMON-ICC"] }).map((f) => f.ruleId))).toEqual(new Set(["GNH-DAEMON-ICC"]));
    });
});

describe("exit codes", () => {
    const node = (patch: Partial<NodeResult>): NodeResult => ({ node: "n", status: "audited", findings: [], warnings: [], containers: 0, durationMs: 1, ...patch });
    const finding = (enforcement: "mandatory" | "advisory") => ({ node: "n", ruleId: "X", target: "host", status: "fail" as const, message: "m", severity: "low" as const, enforcement, remediation: "r" });

    it("are 0 clean, 1 violations, 2 could not run", () => {
        expect(exitCode([node({})])).toBe(0);
        expect(exitCode([node({ findings: [finding("advisory")] })])).toBe(0);
        expect(exitCode([node({ findings: [finding("advisory")] })], "advisory")).toBe(1);
        expect(exitCode([node({ findings: [finding("mandatory")] })])).toBe(1);
        expect(exitCode([node({ findings: [finding("mandatory")] }), node({ node: "m", status: "unreachable", error: "x" })])).toBe(2);
    });
});

describe("the CLI's arguments", () => {
    it("parses every option", () => {
        const options = parseArgs(["--fleet", "f.yaml", "--format=sarif", "-o", "out.sarif", "--concurrency", "4", "--timeout", "30",
            "--exclude", "GNH-DAEMON-USERNS-REMAP,GNH-RUNTIME-RUNC-ADVISORIES", "--allow-capability", "SYS_NICE", "--fail-on", "advisory",
            "--report", "junit:a.xml", "--report=json:C:/x.json"]);
        expect(options).toMatchObject({ fleet: "f.yaml", format: "sarif", output: "out.sarif", concurrency: 4, timeoutS: 30, failOn: "advisory",
            exclude: ["GNH-DAEMON-USERNS-REMAP", "GNH-RUNTIME-RUNC-ADVISORIES"], allowCapabilities: ["SYS_NICE"],
            reports: [["junit", "a.xml"], ["json", "C:/x.json"]] });
    });

    it.each([
        [["--format", "xml"], '--format must be one of table, json, sarif, junit, not "xml"'],
        [["--concurrency", "0"], '--concurrency must be a positive integer, not "0"'],
        [["--exclude", "GNH-NOPE"], "unknown rule id GNH-NOPE"],
        [["--fleet"], "--fleet needs a value"],
        [["-o"], "--output needs a value"],
        [["--verbose=yes"], "--verbose takes no value"],
        [["--fleet", "--format"], "--fleet needs a value"],
        [["fleet.yaml"], 'unknown argument "fleet.yaml"'],
        [["--report", "xml:out.xml"], '--report takes FORMAT:FILE with FORMAT one of table, json, sarif, junit, not "xml:out.xml"'],
    ])("refuses %j", (args, message) => {
        expect(() => parseArgs(args)).toThrow(UsageError);
        expect(() => parseArgs(args)).toThrow(message);
    });
});

describe("bounded concurrency", () => {
    it("never runs more than the limit at once and keeps the order", async () => {
        let running = 0;
        let peak = 0;
        const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 5 * (8 - n)));
            running--;
            return n * 10;
        });
        expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
        expect(peak).toBe(3);
    });
});
