// The live audit on a real lab node (gnh-node-2): hardened by `pulumi up` of the fleet program on
// a stack of its own, the audit exits 0 apart from the documented expected findings; then each
// damage is found with the right rule id and node; an unreachable node is reported while the
// others are still audited. The node is reset at the end.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { projectRoot, uniqueStackName } from "../support/engine";
import { sarifSchemaErrors } from "../support/sarifSchema";
import { fleetCli, fleetFile, hardenFreshNode, onNodeOk, resetNode, SLEEP_IMAGE_SCRIPT } from "../support/lab";

const node = "gnh-node-2";
const stack = uniqueStackName("audit-e2e");
const pulumi = fleetCli(stack);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-audit-e2e-"));

/** The findings docs/audit.md lists as expected on a hardened lab node (advisory, exit 0). */
const EXPECTED_ON_LAB = ["GNH-DAEMON-AUTHORIZATION host", "GNH-DAEMON-ROOTLESS host", "GNH-DAEMON-USERNS-REMAP host", "GNH-RUNTIME-RUNC-ADVISORIES host"];

interface JsonReport {
    summary: { unreachable: string[] };
    nodes: { node: string; status: string; error?: string; containers: number; findings: { ruleId: string; target: string; status: string; message: string; enforcement: string }[] }[];
}

function audit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync("npm", ["run", "--silent", "audit", "--", ...args], { cwd: projectRoot, encoding: "utf8", timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function auditJson(...args: string[]): { status: number | null; report: JsonReport; stderr: string } {
    const result = audit("--format", "json", ...args);
    let report: JsonReport;
    try {
        report = JSON.parse(result.stdout) as JsonReport;
    } catch {
        throw new Error(`the audit did not print JSON (exit ${result.status}): ${result.stderr}${result.stdout}`);
    }
    return { status: result.status, report, stderr: result.stderr };
}

const failures = (report: JsonReport, name = node) =>
    (report.nodes.find((n) => n.node === name)?.findings ?? []).filter((f) => f.status === "fail").map((f) => `${f.ruleId} ${f.target}`);

beforeAll(() => {
    hardenFreshNode(pulumi, node);
    onNodeOk(node, SLEEP_IMAGE_SCRIPT);
});

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    resetNode(node);
    fs.rmSync(work, { recursive: true, force: true });
});

describe(`the live audit of a hardened lab node (${node})`, () => {
    it("exits 0, with only the documented expected findings", () => {
        const { status, report, stderr } = auditJson("--node", node);
        expect(status, stderr).toBe(0);
        expect(report.nodes[0]).toMatchObject({ node, status: "audited", containers: 0 });
        expect(failures(report).sort()).toEqual(EXPECTED_ON_LAB);
        expect(report.nodes[0].findings.filter((f) => f.status === "fail").every((f) => f.enforcement === "advisory")).toBe(true);
    });

    it("writes SARIF that validates and JUnit that parses, and prints a table by default", () => {
        const sarifFile = path.join(work, "audit.sarif");
        const junitFile = path.join(work, "audit.xml");
        expect(audit("--node", node, "--format", "sarif", "--output", sarifFile).status).toBe(0);
        expect(audit("--node", node, "--format", "junit", "--output", junitFile).status).toBe(0);
        expect(sarifSchemaErrors(JSON.parse(fs.readFileSync(sarifFile, "utf8")))).toEqual([]);
        expect(XMLValidator.validate(fs.readFileSync(junitFile, "utf8"))).toBe(true);
        const table = audit("--node", node);
        expect(table.stdout).toContain(`== ${node}: audited`);
        expect(table.stderr).toBe(""); // no progress in piped output
    });

    it("finds each damage with the right rule id and node", () => {
        // the toolkit first: a downgrade rewrites what the packages own
        onNodeOk(node, "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades --allow-change-held-packages "
            + "nvidia-container-toolkit=1.17.7-1 nvidia-container-toolkit-base=1.17.7-1 libnvidia-container-tools=1.17.7-1 libnvidia-container1=1.17.7-1 >/dev/null");
        onNodeOk(node, "sed -i 's/^accept-nvidia-visible-devices-envvar-when-unprivileged = false/accept-nvidia-visible-devices-envvar-when-unprivileged = true/' /etc/nvidia-container-runtime/config.toml"
            + " && grep -q '^accept-nvidia-visible-devices-envvar-when-unprivileged = true' /etc/nvidia-container-runtime/config.toml");
        onNodeOk(node, "python3 -c 'import json; p=\"/etc/docker/daemon.json\"; d=json.load(open(p)); d[\"icc\"]=True; json.dump(d, open(p, \"w\"), indent=2)' 2>/dev/null"
            + " || sed -i 's/\"icc\": *false/\"icc\": true/' /etc/docker/daemon.json; grep -q '\"icc\": *true' /etc/docker/daemon.json");
        onNodeOk(node, "printf '{\"defaultAction\":\"SCMP_ACT_ALLOW\"}\\n' > /etc/docker/seccomp.json");
        // a drop-in we did not write opens the Docker API on TCP without TLS; daemon.json is untouched
        onNodeOk(node, [
            "mkdir -p /etc/systemd/system/docker.service.d",
            "printf '[Service]\\nExecStart=\\nExecStart=%s -H tcp://127.0.0.1:2375\\n' \"$(systemctl show -p ExecStart --value docker | sed -n 's/.*argv\\[\\]=\\([^;]*\\) ;.*/\\1/p')\" > /etc/systemd/system/docker.service.d/zz-tcp.conf",
            "systemctl daemon-reload && systemctl restart docker",
            "tr '\\000' ' ' </proc/$(pidof -s dockerd)/cmdline | grep -q 'tcp://127.0.0.1:2375'",
        ].join(" && "));
        // an apt option that turns signature checks off, next to the pinned signed-by
        onNodeOk(node, "sed -i 's/\\[signed-by=/[trusted=yes signed-by=/' /etc/apt/sources.list.d/nvidia-container-toolkit.list && grep -q 'trusted=yes' /etc/apt/sources.list.d/nvidia-container-toolkit.list");
        const creates: Record<string, string> = {
            "priv": "--privileged",
            "rw-etc": "-v /etc:/host-etc",
            "gpus-all": "--gpus all",
            "gpus-device-all": "--gpus device=all",
            "gpus-count-all": "--gpus count=all",
            "cdi-all": "--device nvidia.com/gpu=all",
            "env-all": "--runtime nvidia -e NVIDIA_VISIBLE_DEVICES=all",
            "mount-all": "-v /dev/null:/var/run/nvidia-container-devices/all:ro",
            "port-all-interfaces": "-p 18081:8080",
        };
        for (const [name, flags] of Object.entries(creates)) {
            onNodeOk(node, `docker create --name ${name} ${flags} gnh-sleep:1 /usr/bin/sleep 1 >/dev/null`);
        }

        const { status, report, stderr } = auditJson("--node", node);
        expect(status, stderr).toBe(1);
        expect(report.nodes[0].containers).toBe(Object.keys(creates).length); // stopped containers included
        const found = failures(report);
        expect(found).toEqual(expect.arrayContaining([
            "GNH-DAEMON-ICC host",
            "GNH-RUNTIME-SECCOMP-PROFILE host",
            "GNH-TOOLKIT-ADVISORIES host",
            "GNH-TOOLKIT-COMPAT-HOOK host",
            "GNH-TOOLKIT-ENVVAR-UNPRIVILEGED host",
            "GNH-APT-VERIFICATION host",
            "GNH-RUNTIME-DOCKERD-ARGS host",
            "GNH-CONTAINER-PRIVILEGED container priv",
            "GNH-CONTAINER-SENSITIVE-MOUNTS container rw-etc",
            ...["gpus-all", "gpus-device-all", "gpus-count-all", "cdi-all", "env-all", "mount-all"].map((c) => `GNH-CONTAINER-GPUS-EXPLICIT container ${c}`),
            "GNH-CONTAINER-PORTS-BOUND container port-all-interfaces",
            // every one of them runs a local image by tag (gnh-sleep:1)
            ...Object.keys(creates).map((c) => `GNH-CONTAINER-IMAGE-PINNED container ${c}`),
        ]));
        expect(found.filter((f) => f.startsWith("GNH-CONTAINER-PORTS-BOUND "))).toEqual(["GNH-CONTAINER-PORTS-BOUND container port-all-interfaces"]);
        // nothing else is privileged, mounts /etc or asks for every GPU
        expect(found.filter((f) => f.startsWith("GNH-CONTAINER-PRIVILEGED "))).toEqual(["GNH-CONTAINER-PRIVILEGED container priv"]);
        expect(found.filter((f) => f.startsWith("GNH-CONTAINER-SENSITIVE-MOUNTS "))).toEqual(["GNH-CONTAINER-SENSITIVE-MOUNTS container rw-etc"]);
        expect(found.filter((f) => f.startsWith("GNH-CONTAINER-GPUS-EXPLICIT ")).length).toBe(6);
        const advisories = report.nodes[0].findings.find((f) => f.ruleId === "GNH-TOOLKIT-ADVISORIES");
        expect(advisories?.message).toContain("CVE-2025-23266");
    });

    it("reports an unreachable node as unreachable and still audits the others (exit 2)", () => {
        const fleet = path.join(work, "fleet-with-gone.yaml");
        const doc = parseDocument(fs.readFileSync(fleetFile, "utf8"));
        // a host key of its own: the fleet file refuses two entries with one key
        doc.addIn(["nodes"], { name: "gnh-gone", host: "127.0.0.1", port: 9, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" });
        fs.writeFileSync(fleet, doc.toString());
        const started = Date.now();
        const { status, report } = auditJson("--fleet", fleet, "--node", `${node},gnh-gone`, "--timeout", "20");
        expect(status).toBe(2);
        expect(report.summary.unreachable).toEqual(["gnh-gone"]);
        expect(report.nodes.find((n) => n.node === "gnh-gone")).toMatchObject({ status: "unreachable", error: expect.stringContaining("127.0.0.1:9") });
        expect(report.nodes.find((n) => n.node === node)?.status).toBe("audited");
        expect(Date.now() - started).toBeLessThan(60_000);
    });
});
