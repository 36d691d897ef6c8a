// What Pulumi itself costs at fleet scale (issue #21): the fleet program for 100, 500 and 1,000
// nodes' worth of resources (the same resource count and shape as real nodes), with the gnh
// provider in its no-I/O mode (GNH_PROVIDER_NO_IO=1: no node is read or changed), so that the
// figures are the engine's, the language host's and our provider's plumbing, not SSH. Per size:
// `up` from scratch and a no-change `up --refresh`, wall time, peak memory of the whole process
// tree (CLI, language host, providers) and the state file's size. A size that runs over the limit
// (20 minutes) is stopped and reported as such. Never run in CI; needs no lab.
//
//   npm run bench -- engine [--sizes 100,500,1000] [--limit-minutes 20] [--out DIR]
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as YAML from "yaml";
import { sampleTreeMemory } from "./processTreeMemory";

const root = path.resolve(__dirname, "..");

interface Options { readonly sizes: readonly number[]; readonly limitMinutes: number; readonly out?: string }

function parseArgs(argv: readonly string[]): Options {
    let options: Options = { sizes: [100, 500, 1000], limitMinutes: 20 };
    for (let i = 0; i < argv.length; i++) {
        const positive = (text: string | undefined) => {
            const n = Number(text);
            if (!Number.isInteger(n) || n < 1) {
                throw new Error(`${argv[i - 1]} needs a positive integer (got ${JSON.stringify(text)})`);
            }
            return n;
        };
        switch (argv[i]) {
            case "--sizes": options = { ...options, sizes: (argv[++i] ?? "").split(",").map(positive) }; break;
            case "--limit-minutes": options = { ...options, limitMinutes: positive(argv[++i]) }; break;
            case "--out": options = { ...options, out: argv[++i] }; break;
            default: throw new Error(`unknown argument ${argv[i]} (usage: npm run bench -- engine [--sizes 100,500,1000] [--limit-minutes 20] [--out DIR])`);
        }
    }
    return options;
}

/** An OpenSSH public key line for a key nobody holds: never used, the nodes are never reached. */
function placeholderHostKey(): string {
    const field = (bytes: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
    return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(crypto.randomBytes(32))]).toString("base64")}`;
}

/** N nodes on closed 127.0.0.1 ports (never contacted in no-I/O mode), one real throwaway key. */
function writeFleet(dir: string, nodes: number): string {
    const key = path.join(dir, "id_ed25519");
    if (!fs.existsSync(key)) {
        spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "gnh-bench-engine", "-f", key]);
    }
    const file = path.join(dir, `fleet-${nodes}.yaml`);
    fs.writeFileSync(file, YAML.stringify({
        defaults: { user: "root", privateKeyPath: key },
        mirror: { url: "http://gnh-mirror/good" },
        nodes: Array.from({ length: nodes }, (_, i) => ({ name: `bench-${String(i + 1).padStart(4, "0")}`, host: "127.0.0.1", port: 20000 + i, hostKey: placeholderHostKey() })),
    }));
    return file;
}

interface Measured { readonly seconds: number; readonly peakMiB: number; readonly status: number | null; readonly timedOut: boolean; readonly tail: string }

function measure(args: readonly string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<Measured> {
    return new Promise((resolve) => {
        const t0 = performance.now();
        const child = spawn("pulumi", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const memory = sampleTreeMemory(child.pid!);
        let output = "";
        let timedOut = false;
        const keep = (chunk: Buffer) => { output = (output + chunk.toString("utf8")).slice(-4000); };
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
        const timer = setTimeout(() => {
            timedOut = true;
            process.kill(-child.pid!, "SIGKILL");
        }, limitMs);
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ seconds: (performance.now() - t0) / 1000, peakMiB: memory.stop() / 1048576, status, timedOut, tail: output.split("\n").slice(-6).join("\n") });
        });
    });
}

/** The Pulumi environment (scripts/env.sh), with a backend and passphrase of the bench's own. */
function benchEnvironment(stateDir: string): NodeJS.ProcessEnv {
    const out = spawnSync("bash", ["-c", `source ${JSON.stringify(path.join(root, "scripts", "env.sh"))} && env -0`], { encoding: "utf8" });
    if (out.status !== 0) {
        throw new Error(`sourcing scripts/env.sh failed: ${out.stderr}`);
    }
    const env: NodeJS.ProcessEnv = Object.fromEntries(out.stdout.split("\0").filter((e) => e.includes("=")).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(path.join(stateDir, "passphrase"), "gnh-bench-engine\n", { mode: 0o600 });
    return { ...env, PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE_FILE: path.join(stateDir, "passphrase"), GNH_PROVIDER_NO_IO: "1" };
}

function stateFileBytes(stateDir: string, stack: string): number {
    const found: number[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "history" && entry.name !== "backups") {
                walk(full);
            } else if (entry.isFile() && /^(.+)\.json(\.gz)?$/.exec(entry.name)?.[1] === stack) {
                found.push(fs.statSync(full).size);
            }
        }
    };
    walk(stateDir);
    return found[0] ?? 0;
}

interface Row { readonly nodes: number; readonly resources: number; readonly create: Measured; readonly refresh?: Measured; readonly stateBytes: number; readonly variant: string }

const fmt = (m: Measured | undefined) => m === undefined ? "not run"
    : m.timedOut ? "over the limit (stopped)" : m.status !== 0 ? `failed (exit ${m.status})` : `${m.seconds.toFixed(1)} s, ${m.peakMiB.toFixed(0)} MiB`;

export async function benchEngine(argv: readonly string[]): Promise<string> {
    const options = parseArgs(argv);
    const out = options.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "gnh-bench-engine-"));
    fs.mkdirSync(out, { recursive: true });
    const stateDir = path.join(out, "state");
    const baseEnv = benchEnvironment(stateDir);
    spawnSync("node", [path.join(root, "tools", "compiled", "build.js")], { cwd: root, stdio: "inherit" });
    const limitMs = options.limitMinutes * 60_000;
    const rows: Row[] = [];
    // The file backend writes the whole state after every step: the smallest size again without
    // those intermediate checkpoints (PULUMI_SKIP_CHECKPOINTS) shows what they cost.
    const runs = [...options.sizes.map((nodes) => ({ nodes, variant: "" })), { nodes: Math.min(...options.sizes), variant: "PULUMI_SKIP_CHECKPOINTS=true" }];
    for (const { nodes, variant } of runs) {
        if (rows.some((r) => r.create.timedOut && r.nodes <= nodes && r.variant === variant)) {
            rows.push({ nodes, resources: 0, create: { seconds: 0, peakMiB: 0, status: null, timedOut: true, tail: "not run: a smaller fleet already ran over the limit" }, stateBytes: 0, variant });
            continue; // a larger fleet would only run longer
        }
        const env = variant === "" ? baseEnv : { ...baseEnv, PULUMI_SKIP_CHECKPOINTS: "true" };
        const stack = `bench-engine-${nodes}${variant === "" ? "" : "-nockpt"}-${process.pid}`;
        const cli = (...args: string[]) => ["--non-interactive", "--stack", stack, ...args];
        process.stderr.write(`[bench] engine: ${nodes} nodes\n`);
        spawnSync("pulumi", cli("stack", "init"), { cwd: root, env, encoding: "utf8" });
        spawnSync("pulumi", cli("config", "set", "fleetFile", writeFleet(out, nodes)), { cwd: root, env, encoding: "utf8" });
        try {
            const create = await measure(cli("up", "--yes", "--skip-preview"), env, limitMs);
            const exported = create.status === 0 ? spawnSync("pulumi", cli("stack", "export"), { cwd: root, env, encoding: "utf8", maxBuffer: 1 << 30 }) : undefined;
            const resources = exported?.status === 0 ? (JSON.parse(exported.stdout) as { deployment: { resources?: unknown[] } }).deployment.resources?.length ?? 0 : 0;
            const refresh = create.status === 0 && !create.timedOut ? await measure(cli("up", "--yes", "--skip-preview", "--refresh"), env, limitMs) : undefined;
            rows.push({ nodes, resources, create, refresh, stateBytes: stateFileBytes(stateDir, stack), variant });
            process.stderr.write(`[bench] engine: ${nodes} nodes ${variant}: up ${fmt(create)}; no-change up --refresh ${fmt(refresh)}\n`);
        } finally {
            spawnSync("pulumi", cli("cancel", "--yes"), { cwd: root, env, encoding: "utf8" }); // the lock of a run that was stopped
            spawnSync("pulumi", cli("stack", "rm", "--yes", "--force"), { cwd: root, env, encoding: "utf8" });
        }
    }
    fs.writeFileSync(path.join(out, "bench-engine.json"), `${JSON.stringify(rows, null, 2)}\n`);
    return renderEngine(rows, options.limitMinutes);
}

function renderEngine(rows: readonly Row[], limitMinutes: number): string {
    const lines = [
        `The fleet program with the gnh provider in no-I/O mode (\`GNH_PROVIDER_NO_IO=1\`), a file backend of its own; one run per size, limit ${limitMinutes} min. Memory: peak resident set of the CLI and every process it started, summed.`,
        "",
        "| nodes | resources | up from scratch | no-change up --refresh | state file | |",
        "|---:|---:|---|---|---:|---|",
        ...rows.map((r) => `| ${r.nodes} | ${r.resources || "?"} | ${r.create.tail.startsWith("not run") ? "not run (a smaller fleet was over the limit)" : fmt(r.create)} | ${fmt(r.refresh)} | ${(r.stateBytes / 1048576).toFixed(1)} MiB | ${r.variant} |`),
    ];
    const done = rows.filter((r) => r.variant === "" && r.create.status === 0 && r.refresh?.status === 0);
    if (done.length >= 2) {
        const [first, last] = [done[0], done[done.length - 1]];
        const per = (m: Measured, n: number) => (m.seconds / n * 1000).toFixed(0);
        lines.push("", `Growth from ${first.nodes} to ${last.nodes} nodes (${(last.nodes / first.nodes).toFixed(0)}x): up ${(last.create.seconds / first.create.seconds).toFixed(1)}x ` +
            `(${per(first.create, first.nodes)} -> ${per(last.create, last.nodes)} ms per node), no-change refresh ${(last.refresh!.seconds / first.refresh!.seconds).toFixed(1)}x ` +
            `(${per(first.refresh!, first.nodes)} -> ${per(last.refresh!, last.nodes)} ms per node), memory ${(last.create.peakMiB / first.create.peakMiB).toFixed(1)}x, state ${(last.stateBytes / Math.max(1, first.stateBytes)).toFixed(1)}x.`);
    }
    for (const r of rows.filter((x) => (x.create.status !== 0 || x.create.timedOut) && !x.create.tail.startsWith("not run"))) {
        lines.push("", `${r.nodes} nodes: ${fmt(r.create)}:`, "```", r.create.tail, "```");
    }
    return lines.join("\n");
}
