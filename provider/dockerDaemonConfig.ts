// gnh:host:DockerDaemonConfig — /etc/docker/daemon.json on one node, applied safely:
// three-way merge, `dockerd --validate` with the unit's own flags, atomic write with a backup,
// live-restore switched on by a reload BEFORE any restart, restart only when needed, checks
// after, and rollback (restore, restart, check) on any failure. Read reports drift in the
// managed keys, so `pulumi preview --refresh` sees it.
import * as crypto from "node:crypto";
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual, managedPaths, mergeDaemonConfig } from "../lib/daemonMerge";
import { changedKeys, dockerMajorMinor, needsRestart, withoutConfigFile } from "../lib/daemonReload";
import { DaemonRestorePlan, DEFAULT_ON_DESTROY, isOnDestroy, ON_DESTROY_VALUES, OnDestroy, OriginalRecord, ownedByAnother, planDaemonRestore } from "../lib/destroyPlan";
import { connectionProblems, NodeConnection } from "../lib/nodeConnection";
import { DaemonJson } from "../rules/daemonRules";
import { restartGate } from "./restartGate";
import { OWNER_RECORD, readOwner } from "./ownerRecord";
import { NodeError, sessionFor, SshSession } from "./ssh";
import { remoteScript } from "../lib/remoteScripts";


export interface DockerDaemonConfigInputs {
    readonly connection: NodeConnection;
    /** The hardened fragment of daemon.json we manage (policy packs read it from here). */
    readonly settings: DaemonJson;
    /** Keys whose value in `settings` was chosen on purpose and wins over the node's. */
    readonly overriddenKeys?: readonly string[];
    /** At most this many nodes restart Docker at the same time in one run (default 1). */
    readonly maxParallelRestarts?: number;
    /** What `pulumi destroy` does: keep the host hardened (default) or restore the original file. */
    readonly onDestroy?: OnDestroy;
}

export interface DockerDaemonConfigOutputs extends DockerDaemonConfigInputs {
    /** daemon.json as it is on the node after the apply. */
    readonly effective: DaemonJson;
    readonly effectiveHash: string;
    readonly dockerVersion: string;
    readonly notes: readonly string[];
}

const STATE_DIR = "/etc/docker/.gnh";
const DAEMON_JSON = "/etc/docker/daemon.json";
// daemon.json as it was before our first write ever (kept until a destroy restores it): the
// rollback backup (daemon.json.bak) is replaced by every write, so it cannot serve.
const ORIGINAL = `${STATE_DIR}/daemon.original.json`;
const ORIGINAL_ABSENT = `${STATE_DIR}/daemon.original.absent`;

/** What a failed apply was doing, in its error message. */
const APPLYING = "applying daemon.json";

const PROBE_SCRIPT = remoteScript("daemon-probe", { DAEMON_JSON, STATE_DIR });

interface Probe {
    readonly daemon?: DaemonJson;
    readonly lastApplied?: DaemonJson;
    /** dockerd's flags as docker.service starts it, one per element. */
    readonly dockerdArgs: readonly string[];
    readonly info?: DockerInfo;
    readonly version: string;
}

interface DockerInfo {
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

async function probe(session: SshSession): Promise<Probe> {
    const out = await session.check("reading the Docker configuration", PROBE_SCRIPT);
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
        info: infoText.trim() ? parseDockerInfo(session, infoText) : undefined,
        version: fields.get("version") ?? "",
    };
}

const render = (config: DaemonJson) => `${JSON.stringify(config, null, 2)}\n`;
const hashOf = (config: DaemonJson) => crypto.createHash("sha256").update(render(config)).digest("hex");

export function check(news: Partial<DockerDaemonConfigInputs>): CheckResult {
    const failures: CheckFailure[] = [];
    for (const problem of connectionProblems(news.connection ?? {})) {
        failures.push({ property: "connection", reason: problem });
    }
    if (typeof news.settings !== "object" || news.settings === null || Array.isArray(news.settings)) {
        failures.push({ property: "settings", reason: "settings must be an object of daemon.json keys" });
    }
    if (news.overriddenKeys !== undefined && !Array.isArray(news.overriddenKeys)) {
        failures.push({ property: "overriddenKeys", reason: "overriddenKeys must be a list of daemon.json keys" });
    }
    if (news.onDestroy !== undefined && !isOnDestroy(news.onDestroy)) {
        failures.push({ property: "onDestroy", reason: `node ${news.connection?.name ?? "?"}: onDestroy ${JSON.stringify(news.onDestroy)} must be one of ${ON_DESTROY_VALUES.join(", ")}` });
    }
    return { inputs: news, failures };
}

export function diff(olds: DockerDaemonConfigOutputs, news: DockerDaemonConfigInputs): DiffResult {
    const changed: string[] = [];
    if (!deepEqual(olds.settings, news.settings)) {
        changed.push("settings");
    }
    if (!deepEqual(olds.overriddenKeys ?? [], news.overriddenKeys ?? [])) {
        changed.push("overriddenKeys");
    }
    // Destroy acts on the recorded value, so a change must reach the state (an update that
    // finds the file in place changes nothing on the node). Absent means the default.
    if ((olds.onDestroy ?? DEFAULT_ON_DESTROY) !== (news.onDestroy ?? DEFAULT_ON_DESTROY)) {
        changed.push("onDestroy");
    }
    // A new address, user or key for the same node is an update (the state must hold the
    // credentials that refresh and destroy will use); only another node is a replacement.
    if (!deepEqual(olds.connection, news.connection)) {
        changed.push("connection");
    }
    const replaces = olds.connection.name !== news.connection.name ? ["connection"] : [];
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
}

export async function create(inputs: DockerDaemonConfigInputs): Promise<CreateResult> {
    const outs = await apply(inputs);
    return { id: `${inputs.connection.name}:${DAEMON_JSON}`, outs };
}

export async function update(news: DockerDaemonConfigInputs): Promise<UpdateResult> {
    return { outs: await apply(news) };
}

/**
 * Refresh: the node's file judged against what we manage. In sync: state unchanged. Drifted:
 * `settings` reports the node's values for the managed keys, so the next preview shows exactly
 * which keys differ and `up` puts them back.
 */
export async function read(id: string, props: DockerDaemonConfigOutputs): Promise<ReadResult> {
    const session = sessionFor(props.connection);
    const live = await probe(session);
    const current = live.daemon ?? {};
    const inputs: DockerDaemonConfigInputs = { connection: props.connection, settings: props.settings, overriddenKeys: props.overriddenKeys, onDestroy: props.onDestroy };
    const merge = mergeDaemonConfig({ desired: props.settings, current, lastApplied: live.lastApplied, overriddenKeys: props.overriddenKeys });
    const inSync = merge.conflicts.length === 0 && deepEqual(merge.merged, current);
    const observedSettings = inSync ? props.settings : observed(props.settings, current);
    const outs: DockerDaemonConfigOutputs = {
        ...props,
        settings: observedSettings,
        effective: current,
        effectiveHash: hashOf(current),
        dockerVersion: live.version,
    };
    return { id, props: outs, inputs: { ...inputs, settings: observedSettings } };
}

/** The node's values at the paths we manage (absent keys stay absent). */
function observed(settings: DaemonJson, current: DaemonJson): DaemonJson {
    const result: Record<string, unknown> = {};
    for (const path of managedPaths(settings)) {
        if (path.length === 1) {
            if (path[0] in current) {
                result[path[0]] = current[path[0]];
            }
        } else {
            const runtimes = current.runtimes as Record<string, unknown> | undefined;
            if (runtimes && path[1] in runtimes) {
                result.runtimes = { ...(result.runtimes as object | undefined), [path[1]]: runtimes[path[1]] };
            }
        }
    }
    return result;
}

/**
 * Destroy. keep (default): the host stays hardened (un-hardening by surprise would be worse) and
 * only our last-applied record goes; the record of the original stays for a later restore.
 * restore: daemon.json from before our first write comes back the way an update is applied, then
 * our files under /etc/docker/.gnh go. Docker is never left stopped: a failed restore is rolled
 * back to the hardened file and the destroy fails, naming the node.
 */
export async function remove(props: DockerDaemonConfigOutputs): Promise<void> {
    const session = sessionFor(props.connection);
    if (ownedByAnother(await readOwner(session), props.connection.name)) {
        return; // renamed in the fleet: the node's new resource already applied, and keeps it
    }
    if ((props.onDestroy ?? DEFAULT_ON_DESTROY) === "keep") {
        await session.check("removing the last-applied record", FORGET_LAST_APPLIED_SCRIPT);
        return;
    }
    restartGate.setLimit(props.maxParallelRestarts ?? 1);
    const before = await probe(session);
    const plan = planDaemonRestore(await readOriginal(session), before.daemon ?? {}, before.lastApplied === undefined ? undefined : Object.keys(before.lastApplied));
    if (plan.kind === "refuse") {
        throw new NodeError(session.nodeName, plan.reason);
    }
    if (plan.kind === "restore") {
        await restoreOriginal(session, plan, before);
    }
    await session.check("removing our files under /etc/docker/.gnh", REMOVE_STATE_SCRIPT);
}

const ORIGINAL_SCRIPT = remoteScript("daemon-read-original", { ORIGINAL, ORIGINAL_ABSENT, STATE_DIR });

async function readOriginal(session: SshSession): Promise<OriginalRecord> {
    const [kind, value] = (await session.check("reading the record of the original daemon.json", ORIGINAL_SCRIPT)).trim().split(" ");
    if (kind === "file") {
        return { kind: "file", text: Buffer.from(value ?? "", "base64").toString("utf8") };
    }
    return kind === "absent" ? { kind: "absent" } : { kind: "none", earlierWrites: value === "yes" };
}

const PUT_BACK_ORIGINAL_SCRIPT = remoteScript("daemon-put-back-original", { DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR });

const RESTORING = "restoring daemon.json from before the first hardening (destroy with onDestroy: restore)";

async function restoreOriginal(session: SshSession, plan: Extract<DaemonRestorePlan, { kind: "restore" }>, before: Probe): Promise<void> {
    const node = session.nodeName;
    if (dockerMajorMinor(before.version || before.info?.ServerVersion || "") === undefined) {
        throw new NodeError(node, "Docker is not running, so the original daemon.json cannot be applied and checked; nothing was changed. Start Docker, or destroy with onDestroy: keep");
    }
    const current = before.daemon ?? {};
    await validate(session, plan.originalText, before.dockerdArgs);
    if (plan.bridge !== undefined) {
        await validate(session, plan.bridge, before.dockerdArgs);
    }
    const steps = async () => {
        const notes: string[] = [];
        if (plan.bridge !== undefined) {
            // live-restore on before and after the restart: running containers survive it.
            await applyCandidate(session, plan.bridge, current, plan.restart, notes, true, RESTORING);
        }
        try {
            await session.check(`putting back the original ${DAEMON_JSON}`, PUT_BACK_ORIGINAL_SCRIPT, [plan.bridge === undefined ? "backup" : "keep-backup"]);
            // A reload sets live-restore only when the file names it; absent, dockerd keeps it on
            // until its next restart, which then reads the restored file as it is.
            const liveRestore = plan.original["live-restore"];
            const settled = (i: DockerInfo) => verify(i, plan.original).length === 0 && (typeof liveRestore !== "boolean" || i.LiveRestoreEnabled === liveRestore);
            const info = await signal(session, "reload", settled);
            if (!settled(info)) {
                throw new Error(`after the reload: ${[...verify(info, plan.original), ...(typeof liveRestore === "boolean" && info.LiveRestoreEnabled !== liveRestore ? [`live-restore is not ${liveRestore}`] : [])].join("; ")}`);
            }
        } catch (error) {
            // Back to the hardened file, the way the bridge went: after its restart a restart
            // (inside the gate; live-restore is still on, containers survive), else a reload.
            await rollback(session, (error as Error).message, plan.restart ? "restart" : "reload", RESTORING);
        }
    };
    await (plan.restart ? restartGate.run(node, steps) : steps());
}

async function apply(inputs: DockerDaemonConfigInputs): Promise<DockerDaemonConfigOutputs> {
    const session = sessionFor(inputs.connection);
    const node = inputs.connection.name;
    restartGate.setLimit(inputs.maxParallelRestarts ?? 1);
    const before = await probe(session);
    const versionParts = dockerMajorMinor(before.version || before.info?.ServerVersion || "");
    if (versionParts === undefined) {
        throw new NodeError(node, "Docker is not running or not installed (docker version reported no server); nothing was changed");
    }
    if (versionParts[0] < 23) {
        throw new NodeError(node, `Docker ${before.version} is older than 23.0 and has no 'dockerd --validate', so a new daemon.json cannot be checked before use; upgrade Docker. Nothing was changed`);
    }
    const current = before.daemon ?? {};
    const merge = mergeDaemonConfig({ desired: inputs.settings, current, lastApplied: before.lastApplied, overriddenKeys: inputs.overriddenKeys });
    if (merge.conflicts.length > 0) {
        throw new NodeError(node, `${DAEMON_JSON} has values that conflict with hardening; nothing was changed:\n  ${merge.conflicts.join("\n  ")}`);
    }
    const candidate = merge.merged;
    await validate(session, candidate, before.dockerdArgs);

    const notes = [...merge.notes];
    if (!deepEqual(candidate, current)) {
        await writeSafely(session, candidate, current, before, notes);
    }
    await session.check("recording what was applied", RECORD_APPLIED_SCRIPT, [inputs.connection.name], { stdin: render(merge.applied) });
    return {
        connection: inputs.connection,
        settings: inputs.settings,
        overriddenKeys: inputs.overriddenKeys ?? [],
        maxParallelRestarts: inputs.maxParallelRestarts,
        onDestroy: inputs.onDestroy,
        effective: candidate,
        effectiveHash: hashOf(candidate),
        dockerVersion: before.version,
        notes,
    };
}

const VALIDATE_SCRIPT = remoteScript("daemon-validate", { STATE_DIR });

/** candidate: a config, or a file's exact text (the original being restored). */
async function validate(session: SshSession, candidateOrText: DaemonJson | string, dockerdArgs: readonly string[]): Promise<void> {
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

const WRITE_SCRIPT = remoteScript("daemon-write", { DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR });

const RESTORE_SCRIPT = remoteScript("daemon-restore", { DAEMON_JSON, STATE_DIR });

const WAIT_FOR_DOCKER = ["daemon-wait-for-docker"];
const RESTART_SCRIPT = remoteScript("daemon-restart", { STATE_DIR, RESTART_LOG: `${STATE_DIR}/restarts.log` }, WAIT_FOR_DOCKER);
const RELOAD_SCRIPT = remoteScript("daemon-reload", {}, WAIT_FOR_DOCKER);
const ROLLBACK_RESTART_SCRIPT = remoteScript("daemon-rollback-restart", {}, WAIT_FOR_DOCKER);
const ROLLBACK_RELOAD_SCRIPT = remoteScript("daemon-rollback-reload", {}, WAIT_FOR_DOCKER);
const FORGET_LAST_APPLIED_SCRIPT = remoteScript("daemon-forget-last-applied", { STATE_DIR });
const REMOVE_STATE_SCRIPT = remoteScript("daemon-remove-state", { STATE_DIR });
const RECORD_APPLIED_SCRIPT = remoteScript("daemon-record-applied", { STATE_DIR, OWNER_RECORD });
const RUNTIME_EXISTS_SCRIPT = remoteScript("runtime-exists");
const FILE_EXISTS_SCRIPT = remoteScript("file-exists");
const DOCKER_INFO_SCRIPT = remoteScript("docker-info");

const SMOKE_SCRIPT = remoteScript("daemon-smoke-test");

const DOCKER_LOG = remoteScript("daemon-log");

async function writeFile(session: SshSession, config: DaemonJson, backup: boolean): Promise<void> {
    await session.check(`writing ${DAEMON_JSON}`, WRITE_SCRIPT, [backup ? "backup" : "keep-backup"], { stdin: render(config) });
}

// Restarts are logged on the node ("<start ns> <end ns>" in restarts.log) so that rollouts can be audited.
// A deliberate restart first clears systemd's start rate limit (a few restarts a minute, meant for
// crash loops), so that a run after recent restarts is not refused.

async function signal(session: SshSession, how: "reload" | "restart", settled: (info: DockerInfo) => boolean = () => true): Promise<DockerInfo> {
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

function verify(info: DockerInfo, config: DaemonJson): string[] {
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

async function writeSafely(session: SshSession, candidate: DaemonJson, current: DaemonJson, before: Probe, notes: string[]): Promise<void> {
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
async function applyCandidate(session: SshSession, candidate: DaemonJson, base: DaemonJson, restart: boolean, notes: string[], backup: boolean, what = APPLYING): Promise<void> {
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
async function rollback(session: SshSession, cause: string, how: "reload" | "restart", what = APPLYING): Promise<never> {
    await session.check("restoring the previous daemon.json", RESTORE_SCRIPT);
    // A failed start counts against systemd's start limit (and Restart= retries add to it):
    // clear it, or the rollback's own restart is refused.
    const restored = await session.run(how === "restart" ? ROLLBACK_RESTART_SCRIPT : ROLLBACK_RELOAD_SCRIPT, [], { timeoutMs: 180_000 });
    const state = restored.code === 0 ? "the previous daemon.json is restored and Docker runs again" : "the previous daemon.json is restored but Docker did NOT come back: check the node now";
    throw new NodeError(session.nodeName, `${what} failed, ${state}. Docker said: ${cause}`);
}
