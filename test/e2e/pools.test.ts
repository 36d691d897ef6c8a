// A fleet past one stack (issue #21), on the lab as two pools (gnh-node-3 in alpha, gnh-node-4 in
// beta; reset first and last): examples/pools/run-pool.sh, what each job of the example CI matrix
// runs, for both pools at once. Each pool's stack holds its own nodes only, each audit shard is a
// valid SARIF log with its own automationDetails.id, and a pool with no node is refused by name.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, onNodeOk, requireLab, resetNode } from "../support/lab";
import { sarifSchemaErrors } from "../support/sarifSchema";

const pools = { alpha: "gnh-node-3", beta: "gnh-node-4" } as const;
const prefix = `${uniqueStackName("e2e-pool")}-`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-pools-e2e-"));
const fleet = path.join(work, "fleet.yaml");
const reports = path.join(work, "reports");

function runPool(pool: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
        const child = spawn("bash", [path.join(projectRoot, "examples", "pools", "run-pool.sh"), pool, fleet, reports],
            { cwd: projectRoot, env: { ...process.env, GNH_POOL_STACK_PREFIX: prefix }, timeout: 900_000 });
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => { text += chunk.toString("utf8"); });
        child.stderr.on("data", (chunk: Buffer) => { text += chunk.toString("utf8"); });
        child.on("close", (status) => resolve({ status: status ?? 1, text }));
    });
}

beforeAll(() => {
    requireLab();
    const lab = parse(fs.readFileSync(fleetFile, "utf8"));
    lab.nodes = Object.entries(pools).map(([pool, node]) => ({ ...lab.nodes.find((n: { name: string }) => n.name === node), pool }));
    fs.writeFileSync(fleet, stringify(lab));
    for (const node of Object.values(pools)) {
        resetNode(node);
    }
}, 600_000);

afterAll(() => {
    for (const pool of [...Object.keys(pools), "gamma"]) {
        fleetCli(`${prefix}${pool}`)("stack", "rm", "--yes", "--force");
    }
    fs.rmSync(work, { recursive: true, force: true });
    for (const node of Object.values(pools)) {
        resetNode(node);
    }
}, 600_000);

describe("two pools of one fleet, run side by side as the CI matrix runs them", () => {
    it("hardens each pool's nodes from its own stack, both at once", async () => {
        const results = await Promise.all(Object.keys(pools).map(runPool));
        for (const result of results) {
            expect(result.status, result.text).toBe(0);
        }
        for (const [pool, node] of Object.entries(pools)) {
            expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}}'").trim(), node).toBe("true");
            const outputs = fleetCli(`${prefix}${pool}`)("stack", "output", "nodes", "--json");
            expect(Object.keys(JSON.parse(outputs.stdout)), pool).toEqual([node]);
        }
    });

    it("writes one SARIF log per shard, each valid, with its own automationDetails.id and its own nodes", () => {
        for (const [pool, node] of Object.entries(pools)) {
            const log = JSON.parse(fs.readFileSync(path.join(reports, `audit-${pool}.sarif`), "utf8"));
            expect(sarifSchemaErrors(log)).toEqual([]);
            expect(log.runs).toHaveLength(1);
            expect(log.runs[0].automationDetails).toEqual({ id: `gnh-audit/${pool}/` });
            const named = new Set((log.runs[0].results as { properties: { node: string } }[]).map((r) => r.properties.node));
            expect([...named].every((n) => n === node), `${pool}: ${[...named].join(", ")}`).toBe(true);
        }
    });

    it("refuses a pool that no node is in, naming the pools there are", async () => {
        const result = await runPool("gamma");
        expect(result.status).not.toBe(0);
        expect(result.text).toContain(`${fleet}: no node is in pool "gamma" (pools: alpha, beta)`);
    });
});
