// The audit part of `npm run bench`: audit wall time on the lab for 1, 2, 4 and 8 nodes, with 0
// and with N containers per node (median of R runs), and the SSH round trips the audit makes per node.
//
//   npm run bench -- audit [--runs R] [--containers N] [--keep-lab] [--out DIR]
//
// What it does, in order:
//   1. `lab.sh up --nodes 8` (the size before is remembered and restored at the end, unless
//      --keep-lab); fleet files with 1, 2, 4 and 8 green nodes are written to a temp dir.
//      Nodes 3..8 are the bench's own; the 8-node fleet also needs gnh-node-1 and -2, which
//      other tests use: their container counts are whatever is there and are reported as such.
//   2. Times the audit with nodes 3..8 as they are (no containers), then creates N stopped
//      containers on each of nodes 3..8 (`docker create` from an image imported from the node's
//      own files, labelled gnh.bench=1) and times it again.
//      - "audit": in-process, the CLI's own main() (parse the fleet, one probe per node with a
//        fresh SSH master, evaluate, render), after one warm-up run; this is what the targets
//        are judged on.
//      - "process": the whole `node audit/bin/gnh-audit.js` process, as `npm run audit` starts it
//        (without npm itself), i.e. including Node start-up and module loading (precompiled).
//   3. Counts SSH use per node in one extra run with a logging `ssh` wrapper first on PATH:
//      "connect" = a new SSH connection (key exchange + auth: the ControlMaster, or a client
//      that found no master socket), "command" = a remote command over the master (one
//      round trip), "control" = `ssh -O exit` (local, closes the master).
//   4. Removes the containers it created (only those labelled gnh.bench=1 on nodes 3..8) and
//      shrinks the lab back.
// Exit code: 0 when all measurements were taken (a missed target is reported, not an error),
// 1 when the bench could not run.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as YAML from "yaml";
import { main as auditMain } from "../audit/cli";

const root = path.resolve(__dirname, "..");
const LAB = path.join(root, "lab", "lab.sh");
const LAB_CONFIG = path.join(root, ".lab", "config");
const LAB_FLEET = path.join(root, ".lab", "fleet.yaml");
const SIZES = [1, 2, 4, 8] as const;
const BENCH_NODES = [3, 4, 5, 6, 7, 8];
const TARGET_ONE_NODE_S = 1;
const TARGET_RATIO = 2;
/** The live audit of N nodes against the machine's own floor for N nodes (issue #21). */
const FLOOR_TARGET = 1.3;

interface Args { runs: number; containers: number; keepLab: boolean; out?: string }

function parseArgs(argv: readonly string[]): Args {
    const args: Args = { runs: 5, containers: 20, keepLab: false };
    for (let i = 0; i < argv.length; i++) {
        const num = () => {
            const n = Number(argv[++i]);
            if (!Number.isInteger(n) || n < 1) {
                throw new Error(`${argv[i - 1]} needs a positive integer`);
            }
            return n;
        };
        switch (argv[i]) {
            case "--runs": args.runs = num(); break;
            case "--containers": args.containers = num(); break;
            case "--keep-lab": args.keepLab = true; break;
            case "--out": args.out = argv[++i]; break;
            default: throw new Error(`unknown argument ${argv[i]} (usage: npm run bench -- audit [--runs R] [--containers N] [--keep-lab] [--out DIR])`);
        }
    }
    return args;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function sh(command: string, args: readonly string[], what: string, input?: string): string {
    const result = spawnSync(command, args, { cwd: root, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024, timeout: 900_000 });
    if (result.status !== 0) {
        throw new Error(`${what} failed (exit ${result.status ?? result.signal}): ${(result.stderr || result.stdout || "").trim().split("\n").slice(-5).join("\n")}`);
    }
    return result.stdout;
}

const nodeName = (i: number) => `gnh-node-${i}`;
const labSsh = (i: number, script: string, what: string) => sh("bash", [LAB, "ssh", nodeName(i), script], `${nodeName(i)}: ${what}`);

function labSize(): number | undefined {
    try {
        const m = /^nodes=(\d+)$/m.exec(fs.readFileSync(LAB_CONFIG, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

function median(values: readonly number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ---------------------------------------------------------------- fleet files

interface FleetDoc { nodes: { name: string; port: number }[]; [key: string]: unknown }

/** Fleet files for 1, 2, 4 and 8 nodes: the bench's own nodes first, then gnh-node-1 and -2. */
function writeFleets(dir: string): Map<number, string> {
    const doc = YAML.parse(fs.readFileSync(LAB_FLEET, "utf8")) as FleetDoc;
    const byName = new Map(doc.nodes.map((n) => [n.name, n]));
    const order = [...BENCH_NODES, 1, 2].map(nodeName);
    const files = new Map<number, string>();
    for (const size of SIZES) {
        const nodes = order.slice(0, size).map((name) => {
            const node = byName.get(name);
            if (node === undefined) {
                throw new Error(`${LAB_FLEET} has no ${name}`);
            }
            return node;
        });
        const file = path.join(dir, `fleet-${size}.yaml`);
        fs.writeFileSync(file, YAML.stringify({ ...doc, nodes }));
        files.set(size, file);
    }
    return files;
}

function portsToNames(): Map<string, string> {
    const doc = YAML.parse(fs.readFileSync(LAB_FLEET, "utf8")) as FleetDoc;
    return new Map(doc.nodes.map((n) => [String(n.port), n.name]));
}

// ---------------------------------------------------------------- the machine's own floor

const LAB_SSH_CONFIG = path.join(root, ".lab", "ssh_config");

/** Wall time of `ssh NODE true` to each of `names` at once: a new connection and nothing else. */
async function parallelSshTrue(names: readonly string[]): Promise<number> {
    const t0 = performance.now();
    await Promise.all(names.map((name) => new Promise<void>((resolve, reject) => {
        const child = spawn("ssh", ["-F", LAB_SSH_CONFIG, "-o", "BatchMode=yes", name, "true"], { stdio: "ignore" });
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ssh ${name} true exited ${code}`))));
    })));
    return (performance.now() - t0) / 1000;
}

/**
 * What the machine itself allows: N simultaneous `ssh NODE true` against 1 node's N = 1. The
 * audit cannot scale better than its per-node SSH handshake does, so its 8:1 ratio is read next
 * to this one (on 2 shared cores the handshakes alone queue).
 */
async function sshFloor(fleets: Map<number, string>, runs: number): Promise<Map<number, number[]>> {
    const floor = new Map<number, number[]>();
    for (const size of [1, 8]) {
        const names = (YAML.parse(fs.readFileSync(fleets.get(size)!, "utf8")) as FleetDoc).nodes.map((n) => n.name);
        await parallelSshTrue(names); // warm-up
        const times: number[] = [];
        for (let r = 0; r < runs; r++) {
            times.push(await parallelSshTrue(names));
        }
        floor.set(size, times);
    }
    return floor;
}

// ---------------------------------------------------------------- containers

const IMAGE_SCRIPT = [
    "set -e",
    "docker image inspect gnh-sleep:1 >/dev/null 2>&1 && exit 0",
    "tar -C / -ch usr/bin/sleep usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 | docker import - gnh-sleep:1 >/dev/null",
    "touch /root/.gnh-bench-imported-image",
].join("\n");

function createContainers(count: number): void {
    for (const i of BENCH_NODES) {
        labSsh(i, IMAGE_SCRIPT, "import gnh-sleep:1");
        // stopped containers: the audit inspects `docker ps -a`
        labSsh(i, `set -e; seq 1 ${count} | xargs -P 4 -I{} docker create --label gnh.bench=1 --name gnh-bench-{} --network none gnh-sleep:1 /usr/bin/sleep 3600 >/dev/null`,
            `create ${count} containers`);
    }
}

function removeContainers(): void {
    for (const i of BENCH_NODES) {
        try {
            labSsh(i, [
                "ids=$(docker ps -aq --filter label=gnh.bench=1)",
                "[ -z \"$ids\" ] || docker rm -f $ids >/dev/null",
                "if [ -f /root/.gnh-bench-imported-image ]; then docker rmi gnh-sleep:1 >/dev/null 2>&1 || true; rm -f /root/.gnh-bench-imported-image; fi",
            ].join("\n"), "remove the bench's containers");
        } catch (error) {
            log(`cleanup: ${(error as Error).message}`);
        }
    }
}

// ---------------------------------------------------------------- measuring

interface AuditJson { nodes: { node: string; status: string; containers: number; durationMs: number }[] }

// gnh-node-1 and -2 are shared with other tests, which reset and stop them: a run in which a
// node was not audited is dropped and run again (after a pause), up to RETRIES times.
const RETRIES = 6;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let retried = 0;

async function auditOnce(fleet: string, report: string): Promise<{ seconds: number; result: AuditJson }> {
    const table = `${report}.txt`;
    for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        const code = await auditMain(["--fleet", fleet, "--format", "table", "--output", table, "--report", `json:${report}`]);
        const seconds = (performance.now() - t0) / 1000;
        const result = JSON.parse(fs.readFileSync(report, "utf8")) as AuditJson;
        const bad = result.nodes.filter((n) => n.status !== "audited");
        if (code !== 2 && bad.length === 0) {
            return { seconds, result };
        }
        const why = `the audit of ${fleet} exited ${code}: ${bad.map((n) => `${n.node} ${n.status}`).join(", ")}`;
        if (attempt >= RETRIES) {
            throw new Error(why);
        }
        retried++;
        log(`${why}; run dropped, retrying in 5 s`);
        await pause(5_000);
    }
}

async function processOnce(fleet: string, report: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, ["audit/bin/gnh-audit.js", "--fleet", fleet, "--format", "json", "--output", report],
            { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 120_000 });
        const seconds = (performance.now() - t0) / 1000;
        if (r.status === 0 || r.status === 1) {
            return seconds;
        }
        const why = `the audit process for ${fleet} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`;
        if (attempt >= RETRIES) {
            throw new Error(why);
        }
        retried++;
        log(`${why}; run dropped, retrying in 5 s`);
        await pause(5_000);
    }
}

interface SshCount { connect: number; command: number; control: number }

/** One audit with a logging ssh wrapper first on PATH; per node name, what ssh was asked to do. */
async function countSsh(fleet: string, dir: string): Promise<Map<string, SshCount>> {
    const realSsh = sh("sh", ["-c", "command -v ssh"], "find ssh").trim();
    const binDir = path.join(dir, "sshlog-bin");
    const logFile = path.join(dir, "ssh.log");
    fs.mkdirSync(binDir, { recursive: true });
    fs.writeFileSync(logFile, "");
    fs.writeFileSync(path.join(binDir, "ssh"), [
        "#!/bin/sh",
        "# logs one line per invocation: port, ControlMaster mode, -O op, whether the ControlPath socket exists",
        "port=- master=- op=- cp=-; prev=",
        "for a in \"$@\"; do",
        "  case \"$prev\" in -p) port=$a ;; -O) op=$a ;; esac",
        "  case \"$a\" in ControlMaster=*) master=${a#ControlMaster=} ;; ControlPath=*) cp=${a#ControlPath=} ;; esac",
        "  prev=$a",
        "done",
        "sock=no; [ -S \"$cp\" ] && sock=yes",
        `printf '%s %s %s %s %s\\n' "$port" "$master" "$op" "$sock" "$cp" >>'${logFile}'`,
        `exec '${realSsh}' "$@"`,
        "",
    ].join("\n"), { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${binDir}:${savedPath ?? ""}`;
    try {
        await auditOnce(fleet, path.join(dir, "count.json"));
    } finally {
        process.env.PATH = savedPath;
    }
    const names = portsToNames();
    const portOf = new Map<string, string>(); // ControlPath -> port (`ssh -O exit` carries no -p)
    const counts = new Map<string, SshCount>();
    const entries = fs.readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "").map((l) => l.split(" "));
    for (const [port, , , , cp] of entries) {
        if (port !== "-") {
            portOf.set(cp, port);
        }
    }
    for (const [port, master, op, sock, cp] of entries) {
        const p = port !== "-" ? port : portOf.get(cp) ?? "?";
        const name = names.get(p) ?? `port ${p}`;
        const c = counts.get(name) ?? { connect: 0, command: 0, control: 0 };
        if (op !== "-") {
            c.control++;
        } else if (master === "yes" || sock === "no") {
            c.connect++;
            if (master !== "yes") {
                c.command++;
            }
        } else {
            c.command++;
        }
        counts.set(name, c);
    }
    return counts;
}

// ---------------------------------------------------------------- main

interface Row {
    nodes: number;
    containersLabel: string;
    audit: number[];
    proc: number[];
    containerCounts: string;
    slowestNodeMs: number[];
}

const fmt = (s: number) => s.toFixed(2);
const spread = (v: number[]) => `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;

async function measure(size: number, fleet: string, label: string, runs: number, dir: string): Promise<Row> {
    const report = path.join(dir, `audit-${size}-${label}.json`);
    log(`${size} node(s), ${label} containers: warm-up + ${runs} in-process runs`);
    const first = await auditOnce(fleet, report); // warm-up: loads the catalog and the modules
    const audit: number[] = [];
    const slowest: number[] = [];
    for (let r = 0; r < runs; r++) {
        const { seconds, result } = await auditOnce(fleet, report);
        audit.push(seconds);
        slowest.push(Math.max(...result.nodes.map((n) => n.durationMs)));
    }
    log(`${size} node(s), ${label} containers: warm-up + ${runs} whole-process runs`);
    await processOnce(fleet, `${report}.proc`);
    const proc: number[] = [];
    for (let r = 0; r < runs; r++) {
        proc.push(await processOnce(fleet, `${report}.proc`));
    }
    const counts = first.result.nodes.map((n) => n.containers);
    const containerCounts = counts.every((c) => c === counts[0]) ? String(counts[0]) : counts.join("/");
    return { nodes: size, containersLabel: label, audit, proc, containerCounts, slowestNodeMs: slowest };
}

export async function benchAudit(argv: readonly string[]): Promise<string> {
    const args = parseArgs(argv);
    const dir = args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "gnh-bench-"));
    fs.mkdirSync(dir, { recursive: true });
    const sizeBefore = labSize() ?? 2;
    let created = false;
    const cleanup = () => {
        if (created) {
            log("removing the bench's containers on nodes 3..8");
            removeContainers();
            created = false;
        }
        if (!args.keepLab && sizeBefore !== 8) {
            log(`shrinking the lab back to ${sizeBefore} nodes`);
            try {
                sh("bash", [LAB, "up", "--nodes", String(sizeBefore)], "lab up");
            } catch (error) {
                log(`cleanup: ${(error as Error).message}`);
            }
        }
    };
    const onSignal = (signal: NodeJS.Signals) => {
        log(`${signal}: cleaning up`);
        cleanup();
        process.exit(1);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const rows: Row[] = [];
    let ssh = new Map<string, SshCount>();
    let floor = new Map<number, number[]>();
    try {
        log("lab up --nodes 8");
        sh("bash", [LAB, "up", "--nodes", "8"], "lab up --nodes 8");
        const fleets = writeFleets(dir);
        log(`fleet files in ${dir}`);
        log(`the machine's floor: 1 and 8 simultaneous \`ssh NODE true\`, warm-up + ${args.runs} runs`);
        floor = await sshFloor(fleets, args.runs);
        for (const size of SIZES) {
            rows.push(await measure(size, fleets.get(size)!, "0", args.runs, dir));
        }
        log(`creating ${args.containers} stopped containers on each of nodes 3..8`);
        created = true;
        createContainers(args.containers);
        for (const size of SIZES) {
            rows.push(await measure(size, fleets.get(size)!, String(args.containers), args.runs, dir));
        }
        ssh = await countSsh(fleets.get(8)!, dir);
    } finally {
        cleanup();
    }

    const lines: string[] = [];
    lines.push(`audit wall time, seconds: median (min–max) of ${args.runs} runs; ${os.cpus().length} CPUs, ${new Date().toISOString()}`);
    lines.push("");
    lines.push("| nodes | containers per node (audited) | audit, in-process | slowest node (ms, median) | whole process (node + precompiled CLI) |");
    lines.push("|---:|---|---:|---:|---:|");
    for (const r of rows) {
        lines.push(`| ${r.nodes} | ${r.containersLabel} (${r.containerCounts}) | ${spread(r.audit)} | ${Math.round(median(r.slowestNodeMs))} | ${spread(r.proc)} |`);
    }
    lines.push("");
    lines.push("| containers per node | 8 nodes / 1 node, in-process | whole process | target |");
    lines.push("|---|---:|---:|---|");
    const verdicts: string[] = [];
    for (const label of ["0", String(args.containers)]) {
        const one = rows.find((r) => r.nodes === 1 && r.containersLabel === label)!;
        const eight = rows.find((r) => r.nodes === 8 && r.containersLabel === label)!;
        const ratio = median(eight.audit) / median(one.audit);
        const ratioProc = median(eight.proc) / median(one.proc);
        lines.push(`| ${label} | ${ratio.toFixed(2)} | ${ratioProc.toFixed(2)} | < ${TARGET_RATIO} |`);
        verdicts.push(`8 nodes / 1 node with ${label} containers: ${ratio.toFixed(2)} (target < ${TARGET_RATIO}): ${ratio < TARGET_RATIO ? "met" : "MISSED"}`);
    }
    const floorRatio = median(floor.get(8)!) / median(floor.get(1)!);
    lines.push("");
    lines.push(`The machine's floor, seconds (median of ${args.runs}): \`ssh NODE true\` to 1 node ${fmt(median(floor.get(1)!))}, to 8 nodes at once ${fmt(median(floor.get(8)!))}: ${floorRatio.toFixed(2)}x for SSH handshakes alone. The audit's 8:1 ratio cannot be below this on the same machine.`);
    verdicts.push(`the machine's own 8:1 ratio for a bare SSH handshake per node: ${floorRatio.toFixed(2)}`);
    // issue #21: the audit of N nodes within FLOOR_TARGET of N bare SSH handshakes at once, same run
    for (const n of [1, 8]) {
        const bare = rows.find((r) => r.nodes === n && r.containersLabel === "0");
        if (bare !== undefined && floor.has(n)) {
            const ratio = median(bare.audit) / median(floor.get(n)!);
            verdicts.push(`audit of ${n} node(s) (0 containers) / ${n} bare \`ssh NODE true\` at once: ${ratio.toFixed(2)} (target <= ${FLOOR_TARGET}): ${ratio <= FLOOR_TARGET ? "met" : "MISSED"}`);
        }
    }
    const oneTwenty = rows.find((r) => r.nodes === 1 && r.containersLabel === String(args.containers))!;
    verdicts.unshift(`1 node with ${args.containers} containers: ${fmt(median(oneTwenty.audit))} s in-process (target < ${TARGET_ONE_NODE_S} s): ${median(oneTwenty.audit) < TARGET_ONE_NODE_S ? "met" : "MISSED"}; whole process ${fmt(median(oneTwenty.proc))} s`);
    lines.push("");
    lines.push("SSH per node, one audit of 8 nodes (connect = new connection with key exchange; command = remote command over the master, one round trip each; control = local `ssh -O exit`):");
    lines.push("");
    lines.push("| node | connect | command | control |");
    lines.push("|---|---:|---:|---:|");
    for (const [name, c] of [...ssh.entries()].sort()) {
        lines.push(`| ${name} | ${c.connect} | ${c.command} | ${c.control} |`);
    }
    lines.push("");
    lines.push(`Runs dropped and repeated because a shared node (gnh-node-1/-2) was not reachable: ${retried}.`);
    lines.push("");
    lines.push("Targets:");
    for (const v of verdicts) {
        lines.push(`- ${v}`);
    }
    const text = `${lines.join("\n")}\n`;
    fs.writeFileSync(path.join(dir, "bench.md"), text);
    fs.writeFileSync(path.join(dir, "bench.json"), `${JSON.stringify({ rows, ssh: Object.fromEntries(ssh), sshFloor: Object.fromEntries(floor) }, null, 2)}\n`);
    log(`raw figures: ${path.join(dir, "bench.json")}`);
    return text;
}
