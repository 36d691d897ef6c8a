// `pulumi up` wall time of the fleet program on 1, 2, 4, 8 and 16 lab nodes, against an EMPTY
// program run the same way (same CLI, file backend, language host) as the baseline, median of R runs:
//
//   npm run bench -- up [--sizes 1,2,4,8,16] [--runs 3] [--scratch-runs 1] [--first-node 1] [--keep-lab] [--out DIR]
//
// RUN IT WHEN THE TEST SUITE IS NOT RUNNING: it resets and hardens the nodes gnh-node-F..F+15
// (F = --first-node, default 1), growing the lab to 16 nodes (lab.sh allows 16 for this) and
// shrinking it back at the end (unless --keep-lab). The nodes are reset again at the end.
//
// Per fleet size N (nodes F..F+N-1):
//   - from scratch: nodes reset, a new stack, `pulumi up --yes --skip-preview` (--scratch-runs times);
//   - no change: `pulumi up --yes --skip-preview --refresh` on the converged stack, i.e. with
//     drift detection (one batched read per node over SSH), as scripts/demo.sh runs it; each run
//     is checked to have changed nothing;
//   - empty: `pulumi up --yes --skip-preview --refresh` of a program with no resources, run
//     alternately with the no-change runs so that both see the same machine load;
//   - no-I/O: the same no-change run with the provider in no-I/O mode (GNH_PROVIDER_NO_IO=1):
//     the engine's and our plumbing's cost without SSH;
//   - bare SSH: one new connection and `true` to one of the nodes, as a refresh's provider makes.
// The medians are fitted with least squares (seconds = a + b x nodes): b is what one more node
// costs, judged against the no-I/O provider's b plus one bare SSH round trip (issue #21).
// And, once, where the no-change time goes: `up` without --refresh (program + provider, no
// reads), the gnh provider's start-up to its port line, and SSH to the first node (the
// connection with key exchange, then one round trip; a refresh makes one round trip per
// resource over one connection per node). The engine starts the provider twice per
// `up --refresh`: for the refresh, and for the program's default provider. The policy pack is
// not run (it adds its own process).
// The CLI is called as scripts/pulumi.sh does, without npm in front.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as YAML from "yaml";

const root = path.resolve(__dirname, "..");
const LAB = path.join(root, "lab", "lab.sh");
const LAB_CONFIG = path.join(root, ".lab", "config");
const LAB_FLEET = path.join(root, ".lab", "fleet.yaml");
const MAX_LAB_NODES = 16;
const TARGET_RATIO = 1.5;

export interface BenchUpOptions {
    readonly sizes: readonly number[];
    readonly runs: number;
    /** From-scratch runs per size (each resets the size's nodes first). */
    readonly scratchRuns: number;
    /** The bench's nodes are gnh-node-<firstNode>.. onwards. */
    readonly firstNode: number;
    readonly keepLab?: boolean;
    /** Where fleet files, the empty program and bench-up.md/json go (default: a new temp dir). */
    readonly out?: string;
    readonly log?: (message: string) => void;
}

export const DEFAULT_OPTIONS: BenchUpOptions = { sizes: [1, 2, 4, 8, 16], runs: 3, scratchRuns: 1, firstNode: 1 };

function parseArgs(argv: readonly string[]): BenchUpOptions {
    let options: BenchUpOptions = DEFAULT_OPTIONS;
    for (let i = 0; i < argv.length; i++) {
        const num = (value: string | undefined) => {
            const n = Number(value);
            if (!Number.isInteger(n) || n < 1) {
                throw new Error(`${argv[i - 1]} needs a positive integer (got ${JSON.stringify(value)})`);
            }
            return n;
        };
        switch (argv[i]) {
            case "--sizes": options = { ...options, sizes: (argv[++i] ?? "").split(",").map(num) }; break;
            case "--runs": options = { ...options, runs: num(argv[++i]) }; break;
            case "--scratch-runs": options = { ...options, scratchRuns: num(argv[++i]) }; break;
            case "--first-node": options = { ...options, firstNode: num(argv[++i]) }; break;
            case "--keep-lab": options = { ...options, keepLab: true }; break;
            case "--out": options = { ...options, out: argv[++i] }; break;
            default: throw new Error(`unknown argument ${argv[i]} (usage: scripts/benchUp.ts [--sizes 1,2,4,8,16] [--runs 3] [--scratch-runs 1] [--first-node 1] [--keep-lab] [--out DIR])`);
        }
    }
    const last = options.firstNode + Math.max(...options.sizes) - 1;
    if (last > MAX_LAB_NODES) {
        throw new Error(`--first-node ${options.firstNode} with ${Math.max(...options.sizes)} nodes needs gnh-node-${last}; the lab has at most ${MAX_LAB_NODES}`);
    }
    return options;
}

// ---------------------------------------------------------------- processes

interface Ran { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly seconds: number }

/** The Pulumi environment (scripts/env.sh) as variables, so that `pulumi` runs without a shell or npm in front. */
function pulumiEnvironment(): NodeJS.ProcessEnv {
    const out = spawnSync("bash", ["-c", `source ${JSON.stringify(path.join(root, "scripts", "env.sh"))} && env -0`], { encoding: "utf8" });
    if (out.status !== 0) {
        throw new Error(`sourcing scripts/env.sh failed: ${out.stderr}`);
    }
    const env: NodeJS.ProcessEnv = {};
    for (const entry of out.stdout.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) {
            env[entry.slice(0, eq)] = entry.slice(eq + 1);
        }
    }
    return env;
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
    const t0 = performance.now();
    const r = spawnSync(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 1_200_000 });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", seconds: (performance.now() - t0) / 1000 };
}

function ok(r: Ran, what: string): Ran {
    if (r.status !== 0) {
        throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-8).join("\n")}`);
    }
    return r;
}

const median = (values: readonly number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (s: number) => s.toFixed(2);
const spread = (values: readonly number[]) => values.length === 1 ? fmt(values[0]) : `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;

function labSize(): number {
    const m = /^nodes=(\d+)$/m.exec(fs.existsSync(LAB_CONFIG) ? fs.readFileSync(LAB_CONFIG, "utf8") : "");
    return m ? Number(m[1]) : 2;
}

/** resourceChanges of `pulumi up --json`'s summary event; undefined when there is none. */
function changesOf(stdout: string): Record<string, number> | undefined {
    for (const line of stdout.split("\n")) {
        if (line.includes('"summaryEvent"')) {
            return (JSON.parse(line) as { summaryEvent: { resourceChanges: Record<string, number> } }).summaryEvent.resourceChanges;
        }
    }
    return undefined;
}

// ---------------------------------------------------------------- programs and stacks

const EMPTY_PROGRAM = {
    // JavaScript, like the fleet program after set-up precompiles it: the floor for any program.
    "Pulumi.yaml": "name: gnh-bench-empty\ndescription: No resources; the baseline of scripts/benchUp.ts.\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    "index.js": 'const pulumi = require("@pulumi/pulumi");\n\nexports.stack = pulumi.getStack();\n',
};

/** The empty program in `dir`, resolving @pulumi/pulumi from the project's node_modules. */
function writeEmptyProgram(dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(EMPTY_PROGRAM)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    const modules = path.join(dir, "node_modules");
    if (!fs.existsSync(modules)) {
        fs.symlinkSync(path.join(root, "node_modules"), modules);
    }
    return dir;
}

interface FleetDoc { nodes: { name: string }[]; [key: string]: unknown }

function writeFleet(file: string, names: readonly string[]): string {
    const doc = YAML.parse(fs.readFileSync(LAB_FLEET, "utf8")) as FleetDoc;
    const nodes = names.map((name) => {
        const node = doc.nodes.find((n) => n.name === name);
        if (node === undefined) {
            throw new Error(`${LAB_FLEET} has no ${name}`);
        }
        return node;
    });
    fs.writeFileSync(file, YAML.stringify({ ...doc, nodes }));
    return file;
}

class Stack {
    constructor(readonly name: string, readonly cwd: string, private readonly env: NodeJS.ProcessEnv) {}

    /** `--env-no-io` (ours, not the CLI's): the gnh provider in no-I/O mode for this run. */
    pulumi(...args: string[]): Ran {
        const noIo = args.includes("--env-no-io");
        const env = noIo ? { ...this.env, GNH_PROVIDER_NO_IO: "1" } : this.env;
        return run("pulumi", [...args.filter((a) => a !== "--env-no-io"), "--stack", this.name, "--non-interactive"], { cwd: this.cwd, env });
    }

    create(config: Record<string, string> = {}): void {
        this.remove();
        ok(this.pulumi("stack", "init"), `stack init ${this.name}`);
        for (const [key, value] of Object.entries(config)) {
            ok(this.pulumi("config", "set", key, value), `config set ${key}`);
        }
    }

    /** The state only: the nodes keep what was applied (they are reset separately). */
    remove(): void {
        this.pulumi("stack", "rm", "--yes", "--force");
    }
}

// ---------------------------------------------------------------- profile pieces

/** The gnh provider from exec to its port line (what the engine waits for). */
function providerStartSeconds(env: NodeJS.ProcessEnv): Promise<number> {
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(path.join(root, "provider", "pulumi-resource-gnh"), [], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
        let errors = "";
        child.stderr.on("data", (chunk: Buffer) => { errors += chunk.toString(); });
        child.stdout.once("data", () => {
            const seconds = (performance.now() - t0) / 1000;
            child.kill("SIGTERM");
            resolve(seconds);
        });
        child.on("exit", (code) => reject(new Error(`the provider exited ${code} before printing its port: ${errors.trim()}`)));
    });
}

/** SSH to one node as the provider does it: the first command (with the master's handshake), then single round trips. */
async function sshSeconds(nodeName: string, roundTrips: number): Promise<{ connect: number; roundTrip: number[] }> {
    // Loaded here: only this part of the bench opens SSH sessions (and needs their cleanup).
    const { installSessionCleanup, SshSession } = await import("../transport/ssh");
    installSessionCleanup();
    const doc = YAML.parse(fs.readFileSync(LAB_FLEET, "utf8")) as { defaults?: { user?: string; privateKeyPath?: string }; nodes: { name: string; host: string; port: number; hostKey: string; user?: string; privateKeyPath?: string }[] };
    const node = doc.nodes.find((n) => n.name === nodeName);
    if (node === undefined) {
        throw new Error(`${LAB_FLEET} has no ${nodeName}`);
    }
    const session = new SshSession({
        name: node.name, host: node.host, port: node.port, user: node.user ?? doc.defaults?.user ?? "root", hostKey: node.hostKey,
        privateKey: fs.readFileSync(node.privateKeyPath ?? doc.defaults?.privateKeyPath ?? "", "utf8"),
    });
    try {
        let t0 = performance.now();
        await session.check("true", "true");
        const connect = (performance.now() - t0) / 1000;
        const roundTrip: number[] = [];
        for (let i = 0; i < roundTrips; i++) {
            t0 = performance.now();
            await session.check("true", "true");
            roundTrip.push((performance.now() - t0) / 1000);
        }
        return { connect, roundTrip };
    } finally {
        session.close();
    }
}

// ---------------------------------------------------------------- the bench

interface SizeResult {
    readonly nodes: number;
    readonly names: readonly string[];
    readonly fromScratch: number[];
    readonly noChange: number[];
    readonly empty: number[];
    /** The same no-change `up --refresh` with the provider in no-I/O mode (GNH_PROVIDER_NO_IO=1). */
    readonly noIo: number[];
    /** A bare SSH round trip to one of the size's nodes with a new connection (handshake + `true`). */
    readonly bareSsh: number[];
    /** Runs of the no-change up that changed something (should be none). */
    readonly unexpected: string[];
}

interface Profile {
    readonly nodes: number;
    readonly upWithoutRefresh: number[];
    readonly providerStart: number[];
    readonly sshConnect: number;
    readonly sshRoundTrip: number[];
}

export async function benchUp(options: BenchUpOptions = DEFAULT_OPTIONS): Promise<string> {
    const log = options.log ?? ((message: string) => process.stderr.write(`[bench-up] ${message}\n`));
    const dir = options.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "gnh-bench-up-"));
    fs.mkdirSync(dir, { recursive: true });
    // As scripts/pulumi.sh does before every CLI call: among others, it rebuilds the precompiled
    // provider when the sources changed (a stale one falls back to the slower ts-node start).
    ok(run("bash", [path.join(root, "scripts", "setup.sh"), "--quiet"]), "scripts/setup.sh");
    const env = pulumiEnvironment();
    const sizes = [...options.sizes].sort((a, b) => a - b);
    const allNames = Array.from({ length: Math.max(...sizes) }, (_, i) => `gnh-node-${options.firstNode + i}`);
    const sizeBefore = labSize();
    const needed = options.firstNode + Math.max(...sizes) - 1;
    const grow = needed > sizeBefore;
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    const fleetStack = new Stack(`bench-up-${tag}`, root, env);
    const emptyStack = new Stack(`bench-up-empty-${tag}`, writeEmptyProgram(path.join(dir, "empty-program")), env);
    const reset = (names: readonly string[]) => {
        for (const name of names) {
            ok(run("bash", [LAB, "reset", name]), `lab reset ${name}`);
        }
    };

    const results: SizeResult[] = [];
    let profile: Profile | undefined;
    try {
        if (grow) {
            log(`lab up --nodes ${needed} (was ${sizeBefore})`);
            ok(run("bash", [LAB, "up", "--nodes", String(needed)]), `lab up --nodes ${needed}`);
        }
        emptyStack.create();
        log("warm-up: one empty up (first start of the CLI and the language host)");
        ok(emptyStack.pulumi("up", "--yes", "--skip-preview", "--refresh"), "empty up");
        for (const size of sizes) {
            const names = allNames.slice(0, size);
            const fleet = writeFleet(path.join(dir, `fleet-${size}.yaml`), names);
            const result: SizeResult = { nodes: size, names, fromScratch: [], noChange: [], empty: [], noIo: [], bareSsh: [], unexpected: [] };
            for (let r = 0; r < options.scratchRuns; r++) {
                log(`${size} node(s): from-scratch up ${r + 1}/${options.scratchRuns} (resetting ${names.join(", ")})`);
                reset(names);
                fleetStack.create({ fleetFile: fleet });
                result.fromScratch.push(ok(fleetStack.pulumi("up", "--yes", "--skip-preview"), `from-scratch up of ${size} node(s)`).seconds);
            }
            for (let r = 0; r < options.runs; r++) {
                log(`${size} node(s): empty up and no-change up --refresh ${r + 1}/${options.runs}`);
                result.empty.push(ok(emptyStack.pulumi("up", "--yes", "--skip-preview", "--refresh"), "empty up").seconds);
                const up = ok(fleetStack.pulumi("up", "--yes", "--skip-preview", "--refresh", "--json"), `no-change up of ${size} node(s)`);
                result.noChange.push(up.seconds);
                const changes = changesOf(up.stdout) ?? {};
                if (Object.keys(changes).some((k) => k !== "same")) {
                    result.unexpected.push(JSON.stringify(changes));
                }
                result.noIo.push(ok(fleetStack.pulumi("up", "--yes", "--skip-preview", "--refresh", "--env-no-io"), `no-I/O up of ${size} node(s)`).seconds);
                result.bareSsh.push((await sshSeconds(names[r % names.length], 0)).connect);
            }
            if (size === sizes[sizes.length - 1]) {
                log(`${size} node(s): where the time goes`);
                const upWithoutRefresh: number[] = [];
                const providerStart: number[] = [];
                for (let r = 0; r < options.runs; r++) {
                    upWithoutRefresh.push(ok(fleetStack.pulumi("up", "--yes", "--skip-preview"), "up without refresh").seconds);
                    providerStart.push(await providerStartSeconds(env));
                }
                const ssh = await sshSeconds(names[0], Math.max(3, options.runs));
                profile = { nodes: size, upWithoutRefresh, providerStart, sshConnect: ssh.connect, sshRoundTrip: ssh.roundTrip };
            }
            results.push(result);
        }
    } finally {
        fleetStack.remove();
        emptyStack.remove();
        log(`resetting ${allNames.join(", ")}`);
        try {
            reset(allNames);
        } catch (error) {
            log(`cleanup: ${(error as Error).message}`);
        }
        if (grow && !options.keepLab) {
            log(`shrinking the lab back to ${sizeBefore} nodes`);
            const back = run("bash", [LAB, "up", "--nodes", String(sizeBefore)]);
            if (back.status !== 0) {
                log(`cleanup: lab up --nodes ${sizeBefore} failed: ${back.stderr.trim()}`);
            }
        }
    }

    const text = render(results, profile, options);
    fs.writeFileSync(path.join(dir, "bench-up.md"), text);
    fs.writeFileSync(path.join(dir, "bench-up.json"), `${JSON.stringify({ options: { ...options, log: undefined }, results, profile }, null, 2)}\n`);
    log(`raw figures: ${path.join(dir, "bench-up.json")}`);
    return text;
}

function render(results: readonly SizeResult[], profile: Profile | undefined, options: BenchUpOptions): string {
    const lines: string[] = [];
    lines.push(`\`pulumi up\` wall time, seconds: median (min–max) of ${options.runs} run(s); ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
    lines.push("");
    lines.push("| nodes | from scratch (`up`) | no change (`up --refresh`) | empty program (`up --refresh`) | no change / empty |");
    lines.push("|---:|---:|---:|---:|---:|");
    for (const r of results) {
        const ratio = median(r.noChange) / median(r.empty);
        lines.push(`| ${r.nodes} (${r.names.join(", ")}) | ${spread(r.fromScratch)} | ${spread(r.noChange)} | ${spread(r.empty)} | ${ratio.toFixed(2)} |`);
    }
    const unexpected = results.filter((r) => r.unexpected.length > 0);
    if (unexpected.length > 0) {
        lines.push("");
        lines.push(`NOT no-change: ${unexpected.map((r) => `${r.nodes} node(s): ${r.unexpected.join(", ")}`).join("; ")}`);
    }
    if (profile !== undefined) {
        const refresh = median(results.find((r) => r.nodes === profile.nodes)!.noChange) - median(profile.upWithoutRefresh);
        lines.push("");
        lines.push(`Where the no-change time goes (${profile.nodes} node(s)):`);
        lines.push("");
        lines.push("| piece | seconds |");
        lines.push("|---|---:|");
        lines.push(`| empty program \`up --refresh\` (CLI, backend, language host, a program with no resources) | ${fmt(median(results.find((r) => r.nodes === profile.nodes)!.empty))} |`);
        lines.push(`| fleet \`up\` without \`--refresh\` (adds our program and the gnh provider; no reads) | ${spread(profile.upWithoutRefresh)} |`);
        lines.push(`| gnh provider start to its port line (twice per \`up --refresh\`) | ${spread(profile.providerStart)} |`);
        lines.push(`| \`--refresh\` on top (the Reads over SSH, all nodes in parallel) | ${fmt(refresh)} |`);
        lines.push(`| SSH to ${results.find((r) => r.nodes === profile.nodes)!.names[0]}: first command incl. connection | ${fmt(profile.sshConnect)} |`);
        lines.push(`| SSH: one more round trip over that connection (a refresh makes one per resource, 3+ per node) | ${spread(profile.sshRoundTrip)} |`);
    }
    lines.push("");
    lines.push("| nodes | no change, no-I/O provider (`GNH_PROVIDER_NO_IO=1`) | bare SSH: new connection + `true` |");
    lines.push("|---:|---:|---:|");
    for (const r of results) {
        lines.push(`| ${r.nodes} | ${spread(r.noIo)} | ${spread(r.bareSsh)} |`);
    }
    const judged = results.find((r) => r.nodes === 4) ?? results[results.length - 1];
    if (judged !== undefined) {
        const ratio = median(judged.noChange) / median(judged.empty);
        lines.push("");
        lines.push(`Target 1: ${judged.nodes}-node no-change up within ${TARGET_RATIO}x of the empty up: ${ratio.toFixed(2)}x, ${ratio <= TARGET_RATIO ? "met" : "MISSED"}${judged.nodes === 4 ? "" : " (judged on 4 nodes; this run has no 4-node size)"}.`);
    }
    if (results.length >= 2) {
        const fleet = linearFit(results.map((r) => [r.nodes, median(r.noChange)]));
        const noIo = linearFit(results.map((r) => [r.nodes, median(r.noIo)]));
        const ssh = median(results.flatMap((r) => r.bareSsh));
        lines.push("");
        lines.push(`Least-squares fit of the medians, seconds = a + b x nodes, over ${results.map((r) => r.nodes).join(", ")} nodes:`);
        lines.push("");
        lines.push("| series | a (fixed) | b (per node) | residuals (s) |");
        lines.push("|---|---:|---:|---|");
        lines.push(`| no-change \`up --refresh\` | ${fmt(fleet.intercept)} | ${fleet.slope.toFixed(3)} | ${fleet.residuals.map((x) => x.toFixed(2)).join(", ")} |`);
        lines.push(`| the same, no-I/O provider | ${fmt(noIo.intercept)} | ${noIo.slope.toFixed(3)} | ${noIo.residuals.map((x) => x.toFixed(2)).join(", ")} |`);
        const bound = noIo.slope + ssh;
        lines.push("");
        lines.push(`Target 2: one more node costs ${fleet.slope.toFixed(3)} s; the no-I/O provider's marginal cost plus one bare SSH round trip (median ${fmt(ssh)} s) is ${bound.toFixed(3)} s: ${fleet.slope <= bound ? "met" : "MISSED"}.`);
    }
    return `${lines.join("\n")}\n`;
}

/** Ordinary least squares y = a + b x; residuals in the points' order. */
export function linearFit(points: readonly (readonly [number, number])[]): { intercept: number; slope: number; residuals: number[] } {
    const n = points.length;
    const mx = points.reduce((s, [x]) => s + x, 0) / n;
    const my = points.reduce((s, [, y]) => s + y, 0) / n;
    const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    const slope = sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
    const intercept = my - slope * mx;
    return { intercept, slope, residuals: points.map(([x, y]) => y - (intercept + slope * x)) };
}

/** `npm run bench -- up [options]`. */
export function benchUpFromArgs(argv: readonly string[]): Promise<string> {
    return benchUp(parseArgs(argv));
}
