// One SSH session per node, over the system OpenSSH client: host keys verified from the fleet's
// inventory (never trust-on-first-use), the private key in a 0600 file inside a 0700 directory
// that is removed when the process ends, and one multiplexed connection per node so that the
// several round trips of an apply cost one handshake.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { remoteScript } from "../lib/remoteScripts";
import { remoteCommand } from "../lib/shellQuote";
import { machineKey, NodeConnection } from "../lib/nodeConnection";
import { sshClientSetup } from "../lib/sshArguments";
import { hostKeyMismatchMessage } from "../lib/sshHostKey";
import { awaitLock, lockWaitSeconds, NODE_LOCK } from "./nodeLock";
import { ReadCoalescer } from "./readCoalescer";

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export class NodeError extends Error {
    constructor(readonly node: string, message: string) {
        super(`node ${node}: ${message}`);
    }
}

/** The node answered with another host key than the one pinned; the message already names the node. */
export class HostKeyMismatchError extends NodeError {
    constructor(node: string, message: string) {
        super(node, "");
        this.message = message;
    }
}

const SSH_CONNECTION_FAILED = 255;
const READ_BATCH_SCRIPT = remoteScript("read-batch");
const NODE_LOCK_SCRIPT = remoteScript("node-lock", { NODE_LOCK });

/**
 * GNH_SSH_TRACE=FILE: one line per SSH command ("NODE exec" or "NODE read-batch N"), so a test can
 * count round trips. Names only, never a command's text or arguments.
 */
function traceRoundTrip(node: string, what: string): void {
    const file = process.env.GNH_SSH_TRACE;
    if (file) {
        fs.appendFileSync(file, `${node} ${what}\n`);
    }
}
const sessions = new Map<string, SshSession>();

export function sessionFor(connection: NodeConnection): SshSession {
    // everything that changes how the node is reached; the fleet file's path does not
    const { fleetFile: _fleetFile, ...reach } = connection;
    const key = crypto.createHash("sha256").update(JSON.stringify(reach)).digest("hex");
    let session = sessions.get(key);
    if (session === undefined) {
        session = new SshSession(connection);
        sessions.set(key, session);
    }
    return session;
}

export function closeAllSessions(): void {
    for (const session of sessions.values()) {
        session.close();
    }
    sessions.clear();
}
let cleanupInstalled = false;

/**
 * Removes every session directory (each holds a copy of a private key) when the process exits or
 * is told to stop. Called once by each entry point (the provider, the audit CLI); importing this
 * module changes nothing about the process.
 */
export function installSessionCleanup(): void {
    if (cleanupInstalled) {
        return;
    }
    cleanupInstalled = true;
    process.on("exit", closeAllSessions);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            closeAllSessions();
            process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
        });
    }
}

const SESSION_DIR_PREFIX = "gnh-ssh-";

/**
 * A process killed outright (the engine may SIGKILL its plugins) cannot remove its session
 * directory, which holds a copy of the private key. Each new process removes the directories
 * of processes that are gone; the owner's pid is part of the name. Only directories this user
 * owns: another user's entry (or one that cannot be read or removed) is left alone, never a
 * reason to stop.
 */
export function removeOrphanedSessionDirs(tmp = os.tmpdir()): number {
    let removed = 0;
    let entries: string[];
    try {
        entries = fs.readdirSync(tmp);
    } catch {
        return 0;
    }
    const uid = process.getuid?.();
    for (const entry of entries) {
        const match = new RegExp(`^${SESSION_DIR_PREFIX}(\\d+)-`).exec(entry);
        if (!match || Number(match[1]) === process.pid || processIsAlive(Number(match[1]))) {
            continue;
        }
        const dir = path.join(tmp, entry);
        try {
            if (uid !== undefined && fs.lstatSync(dir).uid !== uid) {
                continue;
            }
            fs.rmSync(dir, { recursive: true, force: true });
            removed++;
        } catch {
            // not ours to remove, or gone already: the sweep is housekeeping, not a reason to fail
        }
    }
    return removed;
}

function processIsAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

let orphansSwept = false;

/** The node locks this process holds, by machine (lib/nodeConnection machineKey). */
const locksHeld = new Map<string, Promise<void>>();

/**
 * sudo's own refusal (its messages start "sudo: "; none of our scripts calls sudo), or no sudo at
 * all, said so: nothing ran, so nothing on the node changed.
 */
export function sudoRefusal(user: string, code: number, stderr: string): string | undefined {
    if (user === "root") {
        return undefined;
    }
    const sudoLine = stderr.split("\n").find((line) => line.startsWith("sudo: "));
    if (code === 1 && sudoLine !== undefined) {
        return `user ${user} cannot run commands as root with sudo -n (${sudoLine.trim()}): give ${user} passwordless sudo (NOPASSWD), or connect as root; nothing was run on the node`;
    }
    if (code === 127 && /sudo: (command )?not found/.test(stderr)) {
        return `user ${user} is not root and the node has no sudo: install sudo and give ${user} passwordless sudo (NOPASSWD), or connect as root; nothing was run on the node`;
    }
    return undefined;
}

export class SshSession {
    private readonly dir: string;
    private readonly baseArgs: string[];

    constructor(private readonly connection: NodeConnection) {
        if (!orphansSwept) {
            orphansSwept = true;
            removeOrphanedSessionDirs();
        }
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${SESSION_DIR_PREFIX}${process.pid}-`));
        fs.chmodSync(this.dir, 0o700);
        const setup = sshClientSetup(this.dir, connection);
        for (const [name, content] of Object.entries(setup.files)) {
            fs.writeFileSync(path.join(this.dir, name), content, { mode: 0o600 });
        }
        this.baseArgs = [...setup.args];
    }

    get nodeName(): string {
        return this.connection.name;
    }

    private master?: Promise<void>;

    /**
     * One master connection per node, started once: commands that run in parallel then share it
     * instead of racing to create it. If it cannot start, each command connects on its own and
     * reports the connection error itself.
     */
    private startMaster(): Promise<void> {
        this.master ??= new Promise((resolve) => {
            const child = spawn("ssh", ["-o", "ControlMaster=yes", "-o", "ControlPersist=60", "-f", "-N", ...this.baseArgs], { stdio: "ignore" });
            child.on("error", () => resolve());
            child.on("close", () => resolve());
        });
        return this.master;
    }

    /** Run one of our fixed scripts with quoted arguments; data goes on stdin. */
    async run(script: string, args: readonly string[] = [], options: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
        traceRoundTrip(this.connection.name, "exec");
        const result = await this.runBytes(script, args, options);
        return { ...result, stdout: result.stdout.toString("utf8") };
    }

    private readonly reads = new ReadCoalescer((args, parts) => {
        traceRoundTrip(this.connection.name, `read-batch ${parts}`);
        return this.runBytes(READ_BATCH_SCRIPT, args);
    });

    /**
     * Like check, for a script that only reads: reads of this node asked for together share one
     * round trip (transport/readCoalescer.ts).
     */
    async read(what: string, script: string, args: readonly string[] = []): Promise<string> {
        return this.succeeded(what, await this.reads.read({ script, args }));
    }

    private async runBytes(script: string, args: readonly string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: Buffer; stderr: string }> {
        await this.startMaster();
        const timeoutMs = options.timeoutMs ?? 300_000;
        return new Promise((resolve, reject) => {
            const child = this.spawnRemote(script, args);
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(new NodeError(this.connection.name, `a command did not finish within ${timeoutMs / 1000}s`));
            }, timeoutMs);
            child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
            child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
            child.on("error", (error) => {
                clearTimeout(timer);
                reject(new NodeError(this.connection.name, `cannot start ssh: ${error.message}`));
            });
            child.on("close", (code) => {
                clearTimeout(timer);
                const result = { code: code ?? 1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8") };
                const failure = this.sessionFailure(result.code, result.stderr);
                if (failure !== undefined) {
                    reject(failure);
                    return;
                }
                resolve(result);
            });
            child.stdin.on("error", () => undefined); // a command that does not read stdin closes it early
            child.stdin.end(options.stdin ?? "");
        });
    }

    /**
     * One of our scripts on the node, over the master connection. Our scripts run as root: as they
     * are for root, through `sudo -n` (never a password prompt) for any other account. Files they
     * write are root's either way.
     */
    private spawnRemote(script: string, args: readonly string[]): ChildProcessWithoutNullStreams {
        const command = remoteCommand(script, args);
        const asRoot = this.connection.user === "root" ? command : `sudo -n -- ${command}`;
        return spawn("ssh", ["-o", "ControlMaster=no", ...this.baseArgs, "--", asRoot], { stdio: ["pipe", "pipe", "pipe"] });
    }

    /** The machine this session reaches, however it is named or logged into (lib/nodeConnection machineKey). */
    get machine(): string {
        return machineKey(this.connection);
    }

    /** ssh's own failure or sudo's refusal, said in the fleet's terms; undefined when the command itself ran. */
    private sessionFailure(code: number, stderr: string): NodeError | undefined {
        if (code === SSH_CONNECTION_FAILED) {
            return this.connectionError(stderr);
        }
        const refused = sudoRefusal(this.connection.user, code, stderr);
        return refused === undefined ? undefined : new NodeError(this.connection.name, refused);
    }

    /** ssh's own failure (exit 255): a host key that is not the pinned one, or no connection. */
    connectionError(stderr: string): NodeError {
        const mismatch = hostKeyMismatchMessage(this.connection, stderr);
        if (mismatch !== undefined) {
            return new HostKeyMismatchError(this.connection.name, mismatch);
        }
        return new NodeError(this.connection.name,
            `cannot reach ${this.connection.user}@${this.connection.host}:${this.connection.port} over SSH: ${stderr.trim() || "ssh exited 255"}`);
    }

    /** Like run, but a non-zero exit is an error that quotes the command's own message. */
    async check(what: string, script: string, args: readonly string[] = [], options: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
        return this.succeeded(what, await this.run(script, args, options));
    }

    private succeeded(what: string, result: RunResult): string {
        if (result.code !== 0) {
            const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-8).join("\n");
            throw new NodeError(this.connection.name, `${what} failed (exit ${result.code}): ${detail}`);
        }
        return result.stdout;
    }

    private lockHolder?: ChildProcessWithoutNullStreams;

    /**
     * Takes the node's lock for the rest of this process (transport/nodeLock.ts): the first write
     * of a run waits for any other run on the node; later ones find it held already. Held per
     * machine, not per session: one run may reach a machine under two connections (a node renamed
     * in the fleet: the old name's resources are deleted, the new name's created), and a second
     * lock of its own would wait for the first until the run gave up.
     */
    lock(holder: string, onWaiting: (message: string) => void): Promise<void> {
        const machine = this.machine;
        let locked = locksHeld.get(machine);
        if (locked !== undefined) {
            return locked;
        }
        locked = (async () => {
            await this.startMaster();
            const wait = lockWaitSeconds();
            traceRoundTrip(this.connection.name, "lock");
            const child = this.spawnRemote(NODE_LOCK_SCRIPT, [holder, String(wait)]);
            child.stdin.on("error", () => undefined);
            this.lockHolder = child;
            await awaitLock(child, this.connection.name, wait, (code, stderr) => this.sessionFailure(code, stderr),
                (other) => onWaiting(`node ${this.connection.name}: waiting for the node's lock, held by ${other}`));
        })();
        locksHeld.set(machine, locked);
        return locked;
    }

    close(): void {
        this.lockHolder?.stdin.end();
        this.lockHolder?.kill();
        spawnSync("ssh", ["-o", `ControlPath=${path.join(this.dir, "cm")}`, "-O", "exit", "gnh"], { stdio: "ignore", timeout: 5_000 });
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
