// daemon.json on one node, the steps every change of it goes through: the probe (the file, the
// last-applied record, dockerd's flags, docker info), `dockerd --validate` with the unit's own
// flags, the atomic write with a backup, reload or restart and the checks after, and rollback
// (restore, signal, check) on any failure. Used by the resource's apply and by destroy's restore.
import { deepEqual } from "../lib/daemonMerge";
import { changedKeys, needsRestart, withoutConfigFile } from "../lib/daemonReload";
import { parseArgvLines, parseUnitFiles } from "../lib/dockerdCommandLine";
import { remoteScript } from "../lib/remoteScripts";
import { sha256Hex } from "../lib/sha256";
import { DaemonJson } from "../rules/daemonRules";
import { runtimeDockerdArgs } from "../rules/hostCisRules";
import { restartGate } from "./restartGate";
import { NodeError, SshSession } from "../transport/ssh";

export const STATE_DIR = "/etc/docker/.gnh";
export const DAEMON_JSON = "/etc/docker/daemon.json";
// daemon.json as it was before our first write ever (kept until a destroy restores it): the
// rollback backup (daemon.json.bak) is replaced by every write, so it cannot serve.
export const ORIGINAL = `${STATE_DIR}/daemon.original.json`;
export const ORIGINAL_ABSENT = `${STATE_DIR}/daemon.original.absent`;

/** What a failed apply was doing, in its error message. */
const APPLYING = "applying daemon.json";

const PROBE_SCRIPT = remoteScript("daemon-probe", { DAEMON_JSON, STATE_DIR }, ["dockerd-command-line"]);

export interface Probe {
    readonly daemon?: DaemonJson;
    readonly lastApplied?: DaemonJson;
    /** dockerd's flags as docker.service starts it, one per element. */
    readonly dockerdArgs: readonly string[];
    /** The running dockerd's argv (argv[0] included); empty when it does not run. */
    readonly runningArgv: readonly string[];
    /** The unit files docker.service is made of: the fragment, then its drop-ins. */
    readonly unitFiles: readonly string[];
    readonly info?: DockerInfo;
    readonly version: string;
}

export interface DockerInfo {
    readonly LiveRestoreEnabled?: boolean;
    readonly Runtimes?: Record<string, unknown>;
    readonly SecurityOptions?: string[];
    readonly ServerVersion?: string;
}

function parseDockerInfo(session: SshSession, text: string): DockerInfo {
    try {
        return JSON.parse(text) as DockerInfo;
    } catch {
        throw new NodeError(session.nodeName, `docker info did not print JSON: ${text.trim().slice(0, 200)}`);
    }
}

export async function probe(session: SshSession): Promise<Probe> {
    const out = await session.read("reading the Docker configuration", PROBE_SCRIPT);
    const fields = new Map<string, string>();
    for (const line of out.split("\n")) {
        const space = line.indexOf(" ");
        if (space > 0) {
            fields.set(line.slice(0, space), line.slice(space + 1).trim());
        }
    }
    const decode = (name: string) => Buffer.from(fields.get(name) ?? "", "base64").toString("utf8");
    const parseJson = (name: string, file: string): DaemonJson | undefined => {
        const text = decode(name);
        if (text.trim() === "") {
            return undefined;
        }
        try {
            const value = JSON.parse(text);
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                throw new Error("the top level is not an object");
            }
            return value;
        } catch (error) {
            throw new NodeError(session.nodeName, `${file} is not valid JSON (${(error as Error).message}); fix or remove it, nothing was changed`);
        }
    };
    const infoText = decode("info");
    return {
        daemon: parseJson("daemon", DAEMON_JSON),
        lastApplied: parseJson("lastApplied", `${STATE_DIR}/daemon.last-applied.json`),
        dockerdArgs: decode("dockerdArgs").split("\n").filter((a) => a !== ""),
        runningArgv: parseArgvLines(decode("runningArgs")),
        unitFiles: parseUnitFiles(fields.get("units") ?? ""),
        info: infoText.trim() ? parseDockerInfo(session, infoText) : undefined,
        version: fields.get("version") ?? "",
    };
}

/**
 * What GNH-RUNTIME-DOCKERD-ARGS (the audit's own rule) finds in dockerd's command line: as it runs
 * now, and as docker.service would start it on the next restart. Empty when both are clean.
 */
export function commandLineProblems(before: Probe): string[] {
    const fileTlsVerify = before.daemon?.tlsverify === true;
    const judge = (argv: readonly string[]) => runtimeDockerdArgs.evaluate({ dockerd: { argv, fileTlsVerify, unitFiles: before.unitFiles } });
    const running = before.runningArgv.length > 0 ? judge(before.runningArgv) : undefined;
    if (running?.status === "fail") {
        return [running.message];
    }
    // clean now, but the next restart would bring it: a unit changed since dockerd started
    const next = judge(["dockerd", ...before.dockerdArgs]);
    return next.status === "fail" ? [`after a restart: ${next.message}`] : [];
}

export const render = (config: DaemonJson) => `${JSON.stringify(config, null, 2)}\n`;
export const hashOf = (config: DaemonJson) => sha256Hex(render(config));

const VALIDATE_SCRIPT = remoteScript("daemon-validate", { STATE_DIR });

/** candidate: a config, or a file's exact text (the original being restored). */
export async function validate(session: SshSession, candidateOrText: DaemonJson | string, dockerdArgs: readonly string[]): Promise<void> {
    const flags = withoutConfigFile(dockerdArgs);
    const text = typeof candidateOrText === "string" ? candidateOrText : render(candidateOrText);
    const candidate: DaemonJson = typeof candidateOrText === "string" ? JSON.parse(candidateOrText) : candidateOrText;
    await session.check("dockerd --validate of the new daemon.json (with docker.service's flags)", VALIDATE_SCRIPT, flags, { stdin: text });
    const missing: string[] = [];
    const runtimes = (candidate.runtimes ?? {}) as Record<string, { path?: unknown }>;
    for (const [name, runtime] of Object.entries(runtimes)) {
        if (typeof runtime.path === "string") {
            const found = await session.run(RUNTIME_EXISTS_SCRIPT, [runtime.path]);
            if (found.code !== 0) {
                missing.push(`runtime "${name}" path ${runtime.path} does not exist or is not executable`);
            }
        }
    }
    const profile = candidate["seccomp-profile"];
    if (typeof profile === "string" && profile !== "unconfined" && profile !== "builtin") {
        const found = await session.run(FILE_EXISTS_SCRIPT, [profile]);
        if (found.code !== 0) {
            missing.push(`seccomp-profile ${profile} does not exist`);
        }
    }
    if (missing.length > 0) {
        throw new NodeError(session.nodeName, `the new daemon.json refers to files that are not there; nothing was changed: ${missing.join("; ")}`);
    }
}

export const WRITE_SCRIPT = remoteScript("daemon-write", { DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR }, ["receive-verified"]);

const RESTORE_SCRIPT = remoteScript("daemon-restore", { DAEMON_JSON, STATE_DIR });

const WAIT_FOR_DOCKER = ["daemon-wait-for-docker"];
const RESTART_SCRIPT = remoteScript("daemon-restart", { STATE_DIR, RESTART_LOG: `${STATE_DIR}/restarts.log` }, WAIT_FOR_DOCKER);
const RELOAD_SCRIPT = remoteScript("daemon-reload", {}, WAIT_FOR_DOCKER);
const ROLLBACK_RESTART_SCRIPT = remoteScript("daemon-rollback-restart", {}, WAIT_FOR_DOCKER);
const ROLLBACK_RELOAD_SCRIPT = remoteScript("daemon-rollback-reload", {}, WAIT_FOR_DOCKER);
const RUNTIME_EXISTS_SCRIPT = remoteScript("runtime-exists");
const FILE_EXISTS_SCRIPT = remoteScript("file-exists");
const DOCKER_INFO_SCRIPT = remoteScript("docker-info");

const SMOKE_SCRIPT = remoteScript("daemon-smoke-test");

const DOCKER_LOG = remoteScript("daemon-log");

async function writeFile(session: SshSession, config: DaemonJson, backup: boolean): Promise<void> {
    const text = render(config);
    await session.check(`writing ${DAEMON_JSON}`, WRITE_SCRIPT, [backup ? "backup" : "keep-backup", sha256Hex(text)], { stdin: text });
}

// Restarts are logged on the node ("<start ns> <end ns>" in restarts.log) so that rollouts can be audited.
// A deliberate restart first clears systemd's start rate limit (a few restarts a minute, meant for
// crash loops), so that a run after recent restarts is not refused.

export async function signal(session: SshSession, how: "reload" | "restart", settled: (info: DockerInfo) => boolean = () => true): Promise<DockerInfo> {
    const result = await session.run(how === "restart" ? RESTART_SCRIPT : RELOAD_SCRIPT, [], { timeoutMs: 180_000 });
    if (result.code !== 0) {
        const log = await session.run(DOCKER_LOG);
        throw new Error(`docker ${how} failed: ${(result.stdout + result.stderr).trim().split("\n").slice(-3).join(" ")} ${log.stdout.trim()}`.trim());
    }
    const lines = result.stdout.trim().split("\n");
    let info = parseDockerInfo(session, lines[lines.length - 1]);
    // A reload (SIGHUP) returns before dockerd has applied it: give it a few seconds.
    for (let attempt = 0; attempt < 20 && !settled(info); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        info = parseDockerInfo(session, await session.check("reading docker info", DOCKER_INFO_SCRIPT));
    }
    return info;
}

export function verify(info: DockerInfo, config: DaemonJson): string[] {
    const problems: string[] = [];
    if (config["live-restore"] === true && info.LiveRestoreEnabled !== true) {
        problems.push("docker info does not show live-restore enabled");
    }
    for (const name of Object.keys((config.runtimes ?? {}) as object)) {
        if (!info.Runtimes || !(name in info.Runtimes)) {
            problems.push(`docker info does not list the "${name}" runtime`);
        }
    }
    const security = (info.SecurityOptions ?? []).join(" ");
    const profile = config["seccomp-profile"];
    if (typeof profile === "string" && profile !== "unconfined" && !security.includes("name=seccomp")) {
        problems.push(`docker info shows no seccomp security option (${security || "none"})`);
    }
    if (config["no-new-privileges"] === true && !security.includes("no-new-privileges")) {
        problems.push(`docker info does not show no-new-privileges (${security || "none"})`);
    }
    return problems;
}

/**
 * The file already says what we want, but the running dockerd does not show it: an apply cut off
 * between the write and the signal, or a hand edit without a restart. A reload first (live-restore
 * and runtimes take effect that way, and running containers then survive what follows); a restart,
 * through the gate, only if something is still not in force. Any failure rolls back as an apply does.
 */
export async function applyIfNotInForce(session: SshSession, candidate: DaemonJson, before: Probe, notes: string[]): Promise<void> {
    const pending = before.info === undefined ? [] : verify(before.info, candidate);
    if (pending.length === 0) {
        return;
    }
    notes.push(`daemon.json was not in force (${pending.join("; ")})`);
    let info: DockerInfo;
    try {
        info = await signal(session, "reload", (i) => verify(i, candidate).length === 0);
    } catch (error) {
        return rollback(session, (error as Error).message, "reload");
    }
    if (verify(info, candidate).length === 0) {
        notes.push("applied by reload");
        return;
    }
    await restartGate.run(session.nodeName, () => applyCandidate(session, candidate, candidate, true, notes, false));
}

export async function writeSafely(session: SshSession, candidate: DaemonJson, current: DaemonJson, before: Probe, notes: string[]): Promise<void> {
    if (restartGate.halted !== undefined && needsRestart(current, candidate)) {
        // Refuse before the live-restore step too: this run already lost a node.
        await restartGate.run(session.nodeName, async () => undefined);
    }
    // Step 1: make running containers survive what follows. live-restore is reloadable.
    let base = current;
    if (candidate["live-restore"] === true && before.info?.LiveRestoreEnabled !== true) {
        const withLiveRestore = { ...current, "live-restore": true };
        try {
            await writeFile(session, withLiveRestore, true);
            const info = await signal(session, "reload", (i) => i.LiveRestoreEnabled === true);
            if (info.LiveRestoreEnabled !== true) {
                throw new Error("live-restore is still off after the reload");
            }
            notes.push("enabled live-restore with a reload before any restart");
            base = withLiveRestore;
        } catch (error) {
            await rollback(session, `enabling live-restore by reload: ${(error as Error).message}`, "reload");
        }
    }
    // Step 2: the full candidate; a restart only when a changed key needs one, through the
    // fleet's restart gate (at most K at once; none after a failed one).
    const restart = needsRestart(base, candidate);
    if (restart) {
        await restartGate.run(session.nodeName, () => applyCandidate(session, candidate, base, restart, notes, base === current));
    } else {
        await applyCandidate(session, candidate, base, restart, notes, base === current);
    }
}

/** backup: keep the file being replaced; false after step 1, whose backup holds the original. */
export async function applyCandidate(session: SshSession, candidate: DaemonJson, base: DaemonJson, restart: boolean, notes: string[], backup: boolean, what = APPLYING): Promise<void> {
    try {
        if (!deepEqual(base, candidate)) {
            // After step 1 the backup already holds the file as it was before this run.
            await writeFile(session, candidate, backup);
        }
        const info = await signal(session, restart ? "restart" : "reload", (i) => verify(i, candidate).length === 0);
        const problems = verify(info, candidate);
        if (problems.length > 0) {
            throw new Error(problems.join("; "));
        }
        const runtime = candidate.runtimes && "nvidia" in (candidate.runtimes as object) ? "nvidia" : "runc";
        const smoke = await session.run(SMOKE_SCRIPT, [runtime], { timeoutMs: 120_000 });
        if (smoke.code !== 0) {
            throw new Error(`a test container (docker run --runtime=${runtime}) failed under the new configuration: ${(smoke.stdout + smoke.stderr).trim().split("\n").slice(-3).join(" ")}`);
        }
        notes.push(`a test container ran with the ${runtime} runtime`);
        notes.push(restart ? `restarted docker for: ${changedKeys(base, candidate).join(", ")}` : "applied by reload, no restart");
    } catch (error) {
        await rollback(session, (error as Error).message, restart ? "restart" : "reload", what);
    }
}

/**
 * Put the previous file back and get Docker running on it again, the same way it was changed:
 * a reload after a reload (restarting would kill the containers that live-restore was not yet
 * protecting), a restart after a restart (this runs inside the restart gate).
 */
export async function rollback(session: SshSession, cause: string, how: "reload" | "restart", what = APPLYING): Promise<never> {
    await session.check("restoring the previous daemon.json", RESTORE_SCRIPT);
    // A failed start counts against systemd's start limit (and Restart= retries add to it):
    // clear it, or the rollback's own restart is refused.
    const restored = await session.run(how === "restart" ? ROLLBACK_RESTART_SCRIPT : ROLLBACK_RELOAD_SCRIPT, [], { timeoutMs: 180_000 });
    const state = restored.code === 0 ? "the previous daemon.json is restored and Docker runs again" : "the previous daemon.json is restored but Docker did NOT come back: check the node now";
    throw new NodeError(session.nodeName, `${what} failed, ${state}. Docker said: ${cause}`);
}

