// End-to-end helpers for the shared lab: run a command on a node over SSH (verified host key),
// reset a node to its pristine image, and drive the fleet program with the real CLI.
import { spawn, spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { parse, stringify } from "yaml";
import { shellQuote } from "../../lib/shellQuote";
import { projectRoot } from "./engine";

export const labDir = path.join(projectRoot, ".lab");
export const fleetFile = path.join(labDir, "fleet.yaml");
/** The policy pack configuration lab/fleetFile.ts writes: the lab mirror's key trusted besides NVIDIA's. */
export const labPackConfigFile = path.join(labDir, "policy-config.json");

/** Lab nodes whose sshd refuses root (lab/lib/access.sh): a test's own commands there go through sudo. */
const NON_ROOT_LAB_NODES = new Set(["gnh-sudo"]);
const asRoot = (node: string, command: string) => (NON_ROOT_LAB_NODES.has(node) ? `sudo -n bash -c ${shellQuote(command)}` : command);

/** A command as root on a lab node, over the lab's own SSH (lab.sh ssh). */
export function onNode(node: string, command: string): SpawnSyncReturns<string> {
    return spawnSync("bash", [path.join(projectRoot, "lab", "lab.sh"), "ssh", node, asRoot(node, command)], { encoding: "utf8", timeout: 300_000 });
}

/** Run on a node and return stdout; fail the test with the node's stderr otherwise. */
export function onNodeOk(node: string, command: string): string {
    const result = onNode(node, command);
    if (result.status !== 0) {
        throw new Error(`on ${node}: ${command}\nexit ${result.status}: ${result.stderr}${result.stdout}`);
    }
    return result.stdout;
}

/** Run on a node with data on stdin (for example a tar to `docker import`). */
export function onNodeWithInput(node: string, command: string, input: Buffer): SpawnSyncReturns<string> {
    return spawnSync("bash", [path.join(projectRoot, "lab", "lab.sh"), "ssh", node, asRoot(node, command)], { input, encoding: "utf8", timeout: 300_000 });
}

export function resetNode(node: string): void {
    const result = spawnSync("bash", [path.join(projectRoot, "lab", "lab.sh"), "reset", node], { encoding: "utf8", timeout: 300_000 });
    if (result.status !== 0) {
        throw new Error(`lab reset ${node} failed: ${result.stderr}${result.stdout}`);
    }
}

export function requireLab(): void {
    if (!fs.existsSync(fleetFile)) {
        throw new Error(`${fleetFile} is missing: the lab is not up (npm test starts it; or run npm run lab -- up)`);
    }
}

/** The fleet program (index.ts) with the real CLI, on a stack of the test's own. */
export function fleetCli(stack: string) {
    return (...args: string[]): SpawnSyncReturns<string> =>
        spawnSync("npm", ["run", "--silent", "pulumi", "--", ...args, "--stack", stack, "--non-interactive"],
            { cwd: projectRoot, encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
}

type Cli = ReturnType<typeof fleetCli>;

/** Like fleetCli, without blocking: for runs that must overlap. Output is stdout and stderr together. */
export function fleetCliAsync(stack: string) {
    return (env: Readonly<Record<string, string>>, ...args: string[]): Promise<{ status: number; text: string }> => new Promise((resolve) => {
        const child = spawn("npm", ["run", "--silent", "pulumi", "--", ...args, "--stack", stack, "--non-interactive"],
            { cwd: projectRoot, env: { ...process.env, ...env }, timeout: 600_000 });
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => { text += chunk.toString("utf8"); });
        child.stderr.on("data", (chunk: Buffer) => { text += chunk.toString("utf8"); });
        child.on("close", (status: number | null) => resolve({ status: status ?? 1, text }));
    });
}

/**
 * A new stack of the fleet program for one lab node: created, pointed at the lab's fleet file and
 * limited to that node. Returns whether `stack init` succeeded.
 */
export function initNodeStack(pulumi: Cli, node: string): boolean {
    const created = pulumi("stack", "init").status === 0;
    pulumi("config", "set", "fleetFile", fleetFile);
    pulumi("config", "set", "--path", "nodes[0]", node);
    return created;
}

/**
 * The lab up, `node` reset to its pristine image, a new stack of the fleet program for it (with
 * any extra stack config, as `config set --path` pairs), applied.
 */
export function hardenFreshNode(pulumi: Cli, node: string, config: Readonly<Record<string, string>> = {}): void {
    requireLab();
    resetNode(node);
    expect(initNodeStack(pulumi, node)).toBe(true);
    for (const [key, value] of Object.entries(config)) {
        const set = pulumi("config", "set", "--path", key, value);
        expect(set.status, set.stderr).toBe(0);
    }
    const up = pulumi("up", "--yes", "--skip-preview");
    expect(up.status, up.stdout + up.stderr).toBe(0);
}

/**
 * A fleet file derived from the lab's: only the named nodes, plus extra node entries, and an
 * optional replacement mirror section — what a user writes for a subset or their own mirror.
 */
export function writeLabFleet(file: string, options: { nodes: readonly string[]; extraNodes?: readonly Record<string, unknown>[]; mirror?: Record<string, string> }): string {
    const fleet = parse(fs.readFileSync(fleetFile, "utf8"));
    fleet.nodes = [...fleet.nodes.filter((n: { name: string }) => options.nodes.includes(n.name)), ...(options.extraNodes ?? [])];
    if (options.mirror !== undefined) {
        fleet.mirror = options.mirror;
    }
    fs.writeFileSync(file, stringify(fleet));
    return file;
}

/** A tiny local image built from the node's own files: no registry is needed. */
export const SLEEP_IMAGE_SCRIPT = [
    "set -e",
    "docker image inspect gnh-sleep:1 >/dev/null 2>&1 && exit 0",
    "tar -C / -ch usr/bin/sleep usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 | docker import - gnh-sleep:1 >/dev/null",
].join("\n");

/** resourceChanges from the summary event of `pulumi up --skip-preview --json` (an event stream). */
export function upChanges(stdout: string): Record<string, number> | undefined {
    for (const line of stdout.split("\n")) {
        if (line.includes('"summaryEvent"')) {
            return (JSON.parse(line) as { summaryEvent: { resourceChanges: Record<string, number> } }).summaryEvent.resourceChanges;
        }
    }
    return undefined;
}

/**
 * A node of the test's own on a fleet file of its own: reset, a fleet file naming only it in
 * `workDir`, a new stack pointed at that file. Returns the fleet file's path; `releaseNodeStack`
 * undoes it all (stack, files, node).
 */
export function nodeStackWithOwnFleet(pulumi: Cli, node: string, workDir: string): string {
    requireLab();
    resetNode(node);
    const fleet = writeLabFleet(path.join(workDir, "fleet.yaml"), { nodes: [node] });
    expect(pulumi("stack", "init").status).toBe(0);
    pulumi("config", "set", "fleetFile", fleet);
    return fleet;
}

export function releaseNodeStack(pulumi: Cli, node: string, workDir: string): void {
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(workDir, { recursive: true, force: true });
    resetNode(node);
}
