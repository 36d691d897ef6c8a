// A fleet past one stack (issue #21): pools in the fleet file, one stack and one audit shard per
// pool, each shard's SARIF run with its own automationDetails.id.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../audit/cli";
import { renderSarif } from "../../audit/report";
import { fleetFromStack } from "../../audit/stackFleet";
import { parseFleet } from "../../lib/fleet";
import { auditShardId, nodesOfPool, poolsOf } from "../../lib/fleetPools";

const KEY = (n: number) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIElqSqBjd/N+xfLCtLHUvC4rnYWdjcjHIeSkGKaTbRX${"ABCDE"[n]}`;
const fleet = parseFleet([
    "defaults: {privateKeyPath: /k, pool: train}",
    "nodes:",
    `  - {name: a1, host: a1.internal, hostKey: "${KEY(0)}"}`,
    `  - {name: a2, host: a2.internal, hostKey: "${KEY(1)}"}`,
    `  - {name: b1, host: b1.internal, hostKey: "${KEY(2)}", pool: infer}`,
].join("\n"), "/srv/fleet.yaml");

describe("pools", () => {
    it("take a node's own pool over the defaults' and list the fleet's pools", () => {
        expect(fleet.nodes.map((n) => `${n.name}:${n.pool}`)).toEqual(["a1:train", "a2:train", "b1:infer"]);
        expect(poolsOf(fleet)).toEqual(["infer", "train"]);
        expect(nodesOfPool(fleet, "infer", "/srv/fleet.yaml").map((n) => n.name)).toEqual(["b1"]);
        expect(nodesOfPool(fleet, undefined, "/srv/fleet.yaml")).toHaveLength(3);
    });

    it("refuse a pool with no node, naming the file and the pools there are (a typo in a CI matrix must not pass)", () => {
        expect(() => nodesOfPool(fleet, "trian", "/srv/fleet.yaml")).toThrow('/srv/fleet.yaml: no node is in pool "trian" (pools: infer, train)');
        expect(() => parseFleet(`defaults: {privateKeyPath: /k}\nnodes:\n  - {name: a, host: a, hostKey: "${KEY(0)}", pool: "Bad Pool"}\n`, "/f.yaml")).toThrow(/f\.yaml:3:\d+: nodes\[0\]\.pool: must match pattern/);
    });

    it("give each audit shard its own SARIF automationDetails.id", () => {
        expect(auditShardId("train")).toBe("gnh-audit/train/");
        expect(auditShardId(undefined)).toBe("gnh-audit/fleet/");
        const sarif = renderSarif([], { toolVersion: "0.1.0", automationId: auditShardId("infer") });
        expect(sarif.runs[0].automationDetails).toEqual({ id: "gnh-audit/infer/" });
    });

    it("are chosen by gnh-audit --pool, or by the stack's own pool with --stack", () => {
        expect(parseArgs(["--fleet", "f.yaml", "--pool", "infer"]).pool).toBe("infer");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-pools-"));
        fs.writeFileSync(path.join(dir, "Pulumi.pool-infer.yaml"), "config:\n  gpu-node-hardening:fleetFile: /srv/fleet.yaml\n  gpu-node-hardening:pool: infer\n");
        expect(fleetFromStack(dir, "pool-infer")).toEqual({ fleetFile: "/srv/fleet.yaml", nodes: [], pool: "infer" });
    });
});

describe("the pools example", () => {
    it("is a valid fleet file in two pools, and its CI matrix names exactly those pools", () => {
        const file = path.join(__dirname, "..", "..", "examples", "pools", "fleet.yaml");
        const example = parseFleet(fs.readFileSync(file, "utf8"), file);
        expect(poolsOf(example)).toEqual(["infer", "train"]);
        const workflow = fs.readFileSync(path.join(__dirname, "..", "..", "examples", "pools", "pools-ci.yml"), "utf8");
        expect(/pool: \[([^\]]*)\]/.exec(workflow)?.[1].split(",").map((p) => p.trim()).sort()).toEqual(["infer", "train"]);
    });
});
