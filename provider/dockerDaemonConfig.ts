// gnh:host:DockerDaemonConfig — /etc/docker/daemon.json on one node, applied safely:
// three-way merge, `dockerd --validate` with the unit's own flags, atomic write with a backup,
// live-restore switched on by a reload BEFORE any restart, restart only when needed, checks
// after, and rollback (restore, restart, check) on any failure. Read reports drift in the
// managed keys, so `pulumi preview --refresh` sees it.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual, managedPaths, mergeDaemonConfig } from "../lib/daemonMerge";
import { dockerMajorMinor } from "../lib/daemonReload";
import { DEFAULT_ON_DESTROY, isOnDestroy, ON_DESTROY_VALUES, ownedByAnother, planDaemonRestore } from "../lib/destroyPlan";
import { connectionProblems } from "../lib/nodeConnection";
import { DaemonJson } from "../rules/daemonRules";
import { restartGate } from "./restartGate";
import { OWNER_RECORD, readOwner } from "./ownerRecord";
import { NodeError, sessionFor } from "../transport/ssh";
import { remoteScript } from "../lib/remoteScripts";
import { sha256Hex } from "../lib/sha256";
import { applyIfNotInForce, commandLineProblems, DAEMON_JSON, hashOf, probe, render, STATE_DIR, validate, verify, writeSafely } from "./daemonOnNode";
import { readOriginal, restoreOriginal } from "./daemonRestore";
import { DockerDaemonConfigContract, DockerDaemonConfigInputs, DockerDaemonConfigOutputs } from "../contracts/dockerDaemonConfig";
import { inputsOf } from "../contracts/contract";

const FORGET_LAST_APPLIED_SCRIPT = remoteScript("daemon-forget-last-applied", { STATE_DIR });
const REMOVE_STATE_SCRIPT = remoteScript("daemon-remove-state", { STATE_DIR });
const RECORD_APPLIED_SCRIPT = remoteScript("daemon-record-applied", { STATE_DIR, OWNER_RECORD }, ["receive-verified"]);

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
    if (news.maxParallelRestarts !== undefined && !(Number.isInteger(news.maxParallelRestarts) && news.maxParallelRestarts >= 1)) {
        failures.push({ property: "maxParallelRestarts", reason: `node ${news.connection?.name ?? "?"}: maxParallelRestarts ${JSON.stringify(news.maxParallelRestarts)} must be a whole number of at least 1` });
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
    // refresh found dockerd's command line weakened by a unit we did not write: up must say so
    if ((olds.drift ?? []).length > 0) {
        changed.push("drift");
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
    const inputs = inputsOf(DockerDaemonConfigContract, props);
    const merge = mergeDaemonConfig({ desired: props.settings, current, lastApplied: live.lastApplied, overriddenKeys: props.overriddenKeys });
    const inSync = merge.conflicts.length === 0 && deepEqual(merge.merged, current);
    const observedSettings = inSync ? props.settings : observed(props.settings, current);
    // the file as we want it, but not what dockerd runs: an interrupted apply, or an edit without a restart
    const notInForce = inSync && live.info !== undefined ? verify(live.info, current).map((p) => `daemon.json is not in force: ${p}`) : [];
    const drift = [...commandLineProblems(live), ...notInForce];
    const outs: DockerDaemonConfigOutputs = {
        ...props,
        settings: observedSettings,
        effective: current,
        effectiveHash: hashOf(current),
        dockerVersion: live.version,
        drift,
    };
    return { id, props: outs, inputs: { ...inputs, settings: observedSettings, ...(drift.length > 0 ? { drift } : {}) } };
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
    const weakened = commandLineProblems(before);
    if (weakened.length > 0) {
        throw new NodeError(node, `${weakened.join("; ")}. This project never edits unit files it did not write, and does not restart Docker while one weakens it: remove the flag from that file (systemctl cat docker shows it), restart Docker, and run up again. Nothing was changed`);
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
    } else {
        await applyIfNotInForce(session, candidate, before, notes);
    }
    const applied = render(merge.applied);
    await session.check("recording what was applied", RECORD_APPLIED_SCRIPT, [inputs.connection.name, sha256Hex(applied)], { stdin: applied });
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
