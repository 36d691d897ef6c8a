// Issue #17's differential proof against the real parser: every spelling of the table
// (test/support/containerSpellings.ts) is created as a container on a hardened lab node
// (gnh-node-3) with `docker create`, and the live audit's verdict on it must equal its class's
// canonical verdict; the policy pack (in process, the real policies) must give the same verdict on
// the equivalent Container inputs wherever Pulumi has such an input. A spelling Docker refuses is
// recorded with Docker's message. The node is reset at the end.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../lib/shellQuote";
import { analyzeInProcess } from "../../policies/analyzeInProcess";
import { policiesFromCatalog } from "../../policies/catalogPolicies";
import { DOCKER_CONTAINER_TYPE } from "../../policies/containerPolicies";
import { COMPLIANT_ARGS, COMPLIANT_INPUTS, SPELLINGS } from "../support/containerSpellings";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile, hardenFreshNode, onNodeOk, resetNode, SLEEP_IMAGE_SCRIPT } from "../support/lab";

const node = "gnh-node-3";
const pulumi = fleetCli(uniqueStackName("spellings-e2e"));
const containerName = (index: number) => `gnh-sp-${String(index).padStart(2, "0")}`;

interface Row { readonly index: number; readonly created: boolean; readonly refusal?: string; readonly audit?: string; readonly pack?: string }
const results: Row[] = [];
let seconds = 0;

beforeAll(async () => {
    const started = Date.now();
    hardenFreshNode(pulumi, node);
    onNodeOk(node, SLEEP_IMAGE_SCRIPT);
    // one script: create every row, print "NAME ok" or "NAME refused BASE64(docker's message)"
    const script = SPELLINGS.map((row, index) => {
        const args = ["docker", "create", "--name", containerName(index), "--label", "gnh.spelling=1", ...COMPLIANT_ARGS, ...row.args, "gnh-sleep:1", "/usr/bin/sleep", "infinity"];
        return `if out=$(${args.map(shellQuote).join(" ")} 2>&1 >/dev/null); then echo ${containerName(index)} ok; else echo ${containerName(index)} refused "$(printf '%s' "$out" | base64 -w0)"; fi`;
    }).join("\n");
    const created = new Map(onNodeOk(node, script).trim().split("\n").map((line) => {
        const [name, status, message] = line.split(" ");
        return [name, status === "ok" ? undefined : Buffer.from(message ?? "", "base64").toString("utf8").trim()] as const;
    }));
    const audit = spawnSync("npm", ["run", "--silent", "audit", "--", "--fleet", fleetFile, "--node", node, "--format", "json"], { cwd: projectRoot, encoding: "utf8", timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(audit.stdout) as { nodes: { findings: { ruleId: string; target: string; status: string }[] }[] };
    const findings = report.nodes[0].findings;
    const pack = policiesFromCatalog();
    for (const [index, row] of SPELLINGS.entries()) {
        const refusal = created.get(containerName(index));
        const audited = findings.find((f) => f.ruleId === row.rule && f.target === `container ${containerName(index)}`)?.status;
        let packVerdict: string | undefined;
        if (row.inputs !== "not visible at preview") {
            const props = { ...COMPLIANT_INPUTS, name: containerName(index), ...row.inputs };
            const violations = await analyzeInProcess(pack, { type: DOCKER_CONTAINER_TYPE, name: containerName(index), props });
            packVerdict = violations.some((v) => v.policy === row.rule) ? "fail" : "pass";
        }
        results.push({ index, created: refusal === undefined, refusal, audit: refusal === undefined ? audited : undefined, pack: packVerdict });
    }
    seconds = (Date.now() - started) / 1000;
    const table = ["| class | spelling | rule | expected | docker | audit | policy pack |", "|---|---|---|---|---|---|---|",
        ...results.map((r) => {
            const row = SPELLINGS[r.index];
            return `| ${row.class} | \`${row.spelling}\` | ${row.rule} | ${row.verdict} | ${r.created ? "created" : `refused: ${r.refusal?.split("\n")[0]}`} | ${r.audit ?? "-"} | ${r.pack ?? "not visible at preview"} |`;
        })];
    fs.writeFileSync(path.join(projectRoot, ".lab", "container-spellings.md"), `${table.join("\n")}\n\n${SPELLINGS.length} spellings in ${seconds.toFixed(1)} s\n`);
}, 900_000);

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    resetNode(node);
});

describe("every spelling of a forbidden setting gets its class's verdict (issue #17)", () => {
    it("has at least 40 spellings, and a canonical first row in every class", () => {
        expect(SPELLINGS.length).toBeGreaterThanOrEqual(40);
        const classes = new Map<string, string>();
        for (const row of SPELLINGS) {
            expect(classes.get(row.class) ?? row.verdict, row.class).toBe(row.verdict);
            classes.set(row.class, row.verdict);
        }
    });

    it.each(SPELLINGS.map((row, index) => [`${row.class}: ${row.spelling}`, index] as const))("%s", (_name, index) => {
        const row = SPELLINGS[index];
        const result = results[index];
        if (result.created) {
            expect(result.audit, `the audit's ${row.rule} on ${containerName(index)}`).toBe(row.verdict);
        } else {
            // refused by Docker: nothing can run that way; the message is kept in the table
            expect(result.refusal).toBeTruthy();
        }
        if (row.inputs !== "not visible at preview") {
            expect(result.pack, `the policy pack's ${row.rule}`).toBe(row.verdict);
        }
    });

    it("creates almost every spelling: the table tests Docker's parser, not our guesses", () => {
        const refused = results.filter((r) => !r.created).map((r) => `${SPELLINGS[r.index].spelling}: ${r.refusal}`);
        expect(refused.length, refused.join("\n")).toBeLessThanOrEqual(5);
    });
});
