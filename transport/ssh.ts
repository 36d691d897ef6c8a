// One SSH session per node, over the system OpenSSH client: host keys verified from the fleet's
// inventory (never trust-on-first-use), the private key in a 0600 file inside a 0700 directory
// that is removed when the process ends, and one multiplexed connection per node so that the
// several round trips of an apply cost one handshake.
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { remoteCommand } from "../lib/shellQuote";
import { knownHostsLine, NodeConnection } from "../lib/nodeConnection";
import { hostKeyMismatchMessage } from "../lib/sshHostKey";

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
const sessions = new Map<string, SshSession>();

export function sessionFor(connection: NodeConnection): SshSession {
    const key = crypto.createHash("sha256")
        .update(JSON.stringify([connection.host, connection.port, connection.user, connection.hostKey, connection.privateKey]))
        .digest("hex");
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
        const keyFile = path.join(this.dir, "id");
        const knownHosts = path.join(this.dir, "known_hosts");
        fs.writeFileSync(keyFile, connection.privateKey.endsWith("\n") ? connection.privateKey : `${connection.privateKey}\n`, { mode: 0o600 });
        fs.writeFileSync(knownHosts, `${knownHostsLine(connection)}\n`, { mode: 0o600 });
        this.baseArgs = [
            "-F", "/dev/null", // the user's ~/.ssh/config must not change what we verify
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", `UserKnownHostsFile=${knownHosts}`,
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes",
            "-o", `IdentityFile=${keyFile}`,
            "-o", "IdentityAgent=none",
            "-o", "ConnectTimeout=10",
            "-o", "ConnectionAttempts=1",
            "-o", "ServerAliveInterval=10",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-o", `ControlPath=${path.join(this.dir, "cm")}`,
            "-p", String(connection.port),
            "-l", connection.user,
            connection.host,
        ];
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
        await this.startMaster();
        const timeoutMs = options.timeoutMs ?? 300_000;
        return new Promise((resolve, reject) => {
            const child = spawn("ssh", ["-o", "ControlMaster=no", ...this.baseArgs, "--", remoteCommand(script, args)], { stdio: ["pipe", "pipe", "pipe"] });
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
                const result = { code: code ?? 1, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
                if (result.code === SSH_CONNECTION_FAILED) {
                    const mismatch = hostKeyMismatchMessage(this.connection, result.stderr);
                    if (mismatch !== undefined) {
                        reject(new HostKeyMismatchError(this.connection.name, mismatch));
                        return;
                    }
                    reject(new NodeError(this.connection.name,
                        `cannot reach ${this.connection.user}@${this.connection.host}:${this.connection.port} over SSH: ${result.stderr.trim() || "ssh exited 255"}`));
                    return;
                }
                resolve(result);
            });
            child.stdin.on("error", () => undefined); // a command that does not read stdin closes it early
            child.stdin.end(options.stdin ?? "");
        });
    }

    /** Like run, but a non-zero exit is an error that quotes the command's own message. */
    async check(what: string, script: string, args: readonly string[] = [], options: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
        const result = await this.run(script, args, options);
        if (result.code !== 0) {
            const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-8).join("\n");
            throw new NodeError(this.connection.name, `${what} failed (exit ${result.code}): ${detail}`);
        }
        return result.stdout;
    }

    close(): void {
        spawnSync("ssh", ["-o", `ControlPath=${path.join(this.dir, "cm")}`, "-O", "exit", "gnh"], { stdio: "ignore", timeout: 5_000 });
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
