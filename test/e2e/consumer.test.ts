// The project as a package (issue #22): `npm pack`, installed into a separate Pulumi program
// (examples/consumer, depending on the tarball), which hardens one lab node (gnh-node-1, reset first
// and last) with `new GpuNode(...)`, previews with the standalone policy pack from the package,
// and runs `npx gnh-audit` from it. The installed package never compiles, never uses ts-node and
// writes nothing under node_modules.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetFile, labPackConfigFile, onNodeOk, requireLab, resetNode } from "../support/lab";

const node = "gnh-node-1";
const stack = uniqueStackName("e2e-consumer");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-consumer-e2e-"));
const consumer = path.join(work, "consumer");
const installed = path.join(consumer, "node_modules", "gpu-node-hardening");

const run = (command: string, args: readonly string[], cwd = consumer) =>
    spawnSync(command, args, { cwd, encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
/** The project's Pulumi CLI (scripts/pulumi.sh: its offline environment), run in the consumer's folder. */
const pulumi = (...args: string[]) => run("bash", [path.join(projectRoot, "scripts", "pulumi.sh"), "--cwd", consumer, ...args, "--stack", stack, "--non-interactive"]);

/** Every file under dir with its size and mtime: what "writes nothing" is checked against. */
function snapshot(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => !e.isDirectory())
        .map((e) => {
            const full = path.join(e.parentPath, e.name);
            const stat = fs.lstatSync(full);
            return `${path.relative(dir, full)} ${stat.size} ${stat.mtimeMs}`;
        })
        .sort();
}

let before: string[];

beforeAll(() => {
    requireLab();
    resetNode(node);
    const packed = run("npm", ["pack", "--pack-destination", work], projectRoot);
    expect(packed.status, packed.stderr).toBe(0);
    fs.cpSync(path.join(projectRoot, "examples", "consumer"), consumer, { recursive: true });
    fs.renameSync(path.join(work, "gpu-node-hardening-0.1.0.tgz"), path.join(consumer, "gpu-node-hardening-0.1.0.tgz"));
    const install = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"]);
    expect(install.status, install.stderr).toBe(0);
    before = snapshot(installed);
    expect(pulumi("stack", "init").status).toBe(0);
    pulumi("config", "set", "fleetFile", fleetFile);
    pulumi("config", "set", "node", node);
}, 900_000);

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(work, { recursive: true, force: true });
    resetNode(node);
}, 600_000);

describe("the installed package", () => {
    it("is compiled JavaScript with type declarations: no TypeScript source, no ts-node, no compiler at start", () => {
        const files = before.map((line) => line.split(" ")[0]);
        expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
        expect(files).toEqual(expect.arrayContaining(["pkg/lib/api.js", "pkg/lib/api.d.ts", "pkg/plugin/pulumi-resource-gnh", "pkg/bin/gnh-audit.js", "pkg/policy-pack/PulumiPolicy.yaml", "remote/read-batch.sh"]));
        const js = files.filter((f) => f.endsWith(".js")).map((f) => fs.readFileSync(path.join(installed, f), "utf8"));
        expect(js.filter((text) => /require\([^)]*(ts-node|typescript|tools\/compiled)/.test(text))).toEqual([]);
    });

    it("type-checks a TypeScript consumer against its declarations", () => {
        const tsc = run(process.execPath, [path.join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(consumer, "tsconfig.json")]);
        expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    });
});

describe(`a Pulumi program of one's own, with new GpuNode(...) from the package (${node})`, () => {
    it("hardens the node with pulumi up, through the provider plugin inside the package", () => {
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNodeOk(node, "docker info --format '{{.LiveRestoreEnabled}} {{json .SecurityOptions}}'")).toMatch(/^true .*no-new-privileges/);
        expect(pulumi("stack", "output", "toolkit").stdout.trim()).toBe("1.20.2");
    });

    it("previews with the standalone policy pack from the package: no violation, and drift-free", () => {
        const preview = pulumi("preview", "--refresh", "--expect-no-changes",
            "--policy-pack", path.join(installed, "pkg", "policy-pack"), "--policy-pack-config", labPackConfigFile);
        expect(preview.status, preview.stdout + preview.stderr).toBe(0);
        expect(preview.stdout).toMatch(/Policies:[\s\S]*gpu-node-hardening@v0\.1\.0/);
    });

    it("runs npx gnh-audit from the package", () => {
        const audit = run("npx", ["--no-install", "gnh-audit", "--fleet", fleetFile, "--node", node, "--format", "json"]);
        expect(audit.status, audit.stderr).toBe(0);
        const report = JSON.parse(audit.stdout) as { nodes: { node: string; status: string }[] };
        expect(report.nodes).toEqual([expect.objectContaining({ node, status: "audited" })]);
    });

    it("wrote nothing under node_modules while it ran", () => {
        expect(snapshot(installed)).toEqual(before);
    });
});
