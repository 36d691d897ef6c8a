// Fleet rollout semantics with the real engine on two lab nodes (gnh-node-1, gnh-brownfield-1):
// K=1 restarts never overlap (timestamps recorded on the nodes), an unreachable node does not
// stop the others from converging, and a failed, rolled-back restart halts further restarts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueStackName } from "../support/engine";
import { fleetCli, onNodeOk, requireLab, resetNode, writeLabFleet } from "../support/lab";

const nodes = ["gnh-node-1", "gnh-brownfield-1"];
const stack = uniqueStackName("e2e-rollout");
const pulumi = fleetCli(stack);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-rollout-"));

function writeFleet(extraNodes: Record<string, unknown>[] = []): string {
    return writeLabFleet(path.join(workDir, `fleet-${extraNodes.length}.yaml`), { nodes, extraNodes });
}

const restarts = (node: string) => onNodeOk(node, "cat /etc/docker/.gnh/restarts.log 2>/dev/null || true").trim().split("\n").filter(Boolean)
    .map((line) => line.split(" ").map((n) => BigInt(n)) as [bigint, bigint]);

beforeAll(() => {
    requireLab();
    nodes.forEach(resetNode);
    expect(pulumi("stack", "init").status).toBe(0);
    pulumi("config", "set", "maxParallelRestarts", "1");
});

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(workDir, { recursive: true, force: true });
    nodes.forEach(resetNode);
});

describe("rollout across nodes", () => {
    it("converges the reachable nodes when one node is unreachable, and names it", () => {
        const unreachable = { name: "gnh-gone-1", host: "127.0.0.1", port: 9, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" };
        pulumi("config", "set", "fleetFile", writeFleet([unreachable]));
        const up = pulumi("up", "--yes", "--skip-preview", "--continue-on-error");
        const text = up.stdout + up.stderr;
        expect(up.status).not.toBe(0);
        expect(text).toMatch(/node gnh-gone-1: cannot reach root@127\.0\.0\.1:9 over SSH: .*(Connection refused|connect)/);
        for (const node of nodes) {
            expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim(), node).toBe("true");
            expect(onNodeOk(node, "grep -c '\"icc\": false' /etc/docker/daemon.json").trim(), node).toBe("1");
        }
    });

    it("with K=1, no two Docker restarts overlap (timestamps on the nodes)", () => {
        const intervals = nodes.flatMap((node) => restarts(node).map(([start, end]) => ({ node, start, end })));
        expect(intervals.length).toBeGreaterThanOrEqual(nodes.length);
        intervals.sort((a, b) => (a.start < b.start ? -1 : 1));
        for (let i = 1; i < intervals.length; i++) {
            expect(intervals[i].start > intervals[i - 1].end, `${intervals[i - 1].node} and ${intervals[i].node} restarted at the same time`).toBe(true);
        }
    });

    it("halts further restarts after one node's restart failed and was rolled back", () => {
        // Docker refuses to start while the new setting is in daemon.json (a broken host), and
        // starts again with the old file: the restart fails, the rollback works.
        for (const node of nodes) {
            onNodeOk(node, [
                "mkdir -p /etc/systemd/system/docker.service.d",
                "printf '[Service]\\nExecStartPre=/bin/sh -c \"! grep -q max-concurrent-uploads /etc/docker/daemon.json\"\\n' > /etc/systemd/system/docker.service.d/gnh-test-break.conf",
                "systemctl daemon-reload",
            ].join(" && "));
        }
        const before = Object.fromEntries(nodes.map((n) => [n, onNodeOk(n, "sha256sum /etc/docker/daemon.json")]));
        // max-concurrent-uploads is reloadable, so pair it with a restart-only key
        pulumi("config", "set", "--path", "daemonOverrides.max-concurrent-uploads", "3");
        pulumi("config", "set", "--path", "daemonOverrides.log-level", "warn");
        const up = pulumi("up", "--yes", "--skip-preview", "--continue-on-error");
        pulumi("config", "rm", "daemonOverrides");
        const text = up.stdout + up.stderr;
        expect(up.status).not.toBe(0);
        const failed = nodes.filter((n) => text.includes(`node ${n}: applying daemon.json failed, the previous daemon.json is restored and Docker runs again`));
        const halted = nodes.filter((n) => text.includes(`node ${n}: Docker was not restarted and nothing was changed: restarts are halted for this run because the restart on node ${failed[0]} failed`));
        expect(failed, text).toHaveLength(1);
        expect(halted).toEqual(nodes.filter((n) => n !== failed[0]));
        for (const node of nodes) {
            expect(onNodeOk(node, "sha256sum /etc/docker/daemon.json"), node).toBe(before[node]);
            expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim(), `${node}\n${text}`).toBe("true");
        }
    });
});
