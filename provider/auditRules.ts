// gnh:host:AuditRules — the CIS 1.1.x auditd watches of one node in one rules file. The paths are
// resolved on the node at every apply and refresh (lib/auditPaths.ts), so the file names only
// what exists there; it is rendered and syntax-checked before it is written (lib/auditRulesFile.ts),
// written atomically as root:root 0640, and loaded with `augenrules --load` where auditd runs.
// Where it does not (a lab container: the audit subsystem is not namespaced), the rules are
// written and NOT loaded, and the outputs say so: that is a fact about the node, not an error.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { auditPathSpec, parseAuditPaths } from "../lib/auditPaths";
import { parseAuditRules, renderAuditRules } from "../lib/auditRulesFile";
import { deepEqual } from "../lib/daemonMerge";
import { ownedByAnother } from "../lib/destroyPlan";
import { connectionProblems } from "../lib/nodeConnection";
import { watchCovers } from "../rules/auditRules";
import { readOwner } from "./ownerRecord";
import { NodeError, sessionFor, SshSession } from "../transport/ssh";
import { remoteScript } from "../lib/remoteScripts";
import { sha256Hex } from "../lib/sha256";
import { AuditRulesContract, AuditRulesInputs, AuditRulesOutputs } from "../contracts/auditRules";
import { inputsOf } from "../contracts/contract";

const normalMode = (mode: string) => mode.padStart(4, "0");

export function check(news: Partial<AuditRulesInputs>): CheckResult {
    const failures: CheckFailure[] = connectionProblems(news.connection ?? {}).map((reason) => ({ property: "connection", reason }));
    const node = news.connection?.name ?? "?";
    if (typeof news.path !== "string" || !/^\/etc\/audit\/rules\.d\/[A-Za-z0-9_.-]+\.rules$/.test(news.path)) {
        failures.push({ property: "path", reason: `node ${node}: audit rules path ${JSON.stringify(news.path)} must be /etc/audit/rules.d/NAME.rules (augenrules reads only those)` });
    }
    if (typeof news.mode !== "string" || !/^0?[0-7]{3}$/.test(news.mode)) {
        failures.push({ property: "mode", reason: `node ${node}: mode ${JSON.stringify(news.mode)} must be octal permission bits such as "0640"` });
    }
    for (const key of ["owner", "group"] as const) {
        if (typeof news[key] !== "string" || !/^[a-z_][a-z0-9_-]*$/.test(news[key] as string)) {
            failures.push({ property: key, reason: `node ${node}: ${key} ${JSON.stringify(news[key])} is not a user or group name` });
        }
    }
    if (!Array.isArray(news.targets) || news.targets.length === 0) {
        failures.push({ property: "targets", reason: `node ${node}: targets must list the audit rules to apply` });
    } else {
        try {
            auditPathSpec(news.targets);
        } catch (error) {
            failures.push({ property: "targets", reason: `node ${node}: ${(error as Error).message}` });
        }
    }
    return { inputs: news, failures };
}

export function diff(olds: AuditRulesOutputs, news: AuditRulesInputs): DiffResult {
    const changes = olds.path !== news.path || olds.owner !== news.owner || olds.group !== news.group
        || normalMode(olds.mode) !== normalMode(news.mode) || !deepEqual(olds.targets, news.targets)
        || Boolean(olds.keepOnDelete) !== Boolean(news.keepOnDelete)
        || !deepEqual(olds.connection, news.connection) || (olds.drift ?? []).length > 0;
    const replaces = olds.path !== news.path || olds.connection.name !== news.connection.name ? ["path"] : [];
    return { changes, replaces, deleteBeforeReplace: false };
}

const PROBE_SCRIPT = remoteScript("audit-rules-probe", {}, ["audit-paths"]);

const IMMUTABLE_STATUS = "written, not loaded: the loaded audit rules are immutable (-e 2) until the next boot, which loads this file";

interface NodeState {
    readonly resolved: Record<string, string[]>;
    /** `systemctl is-active auditd`: "active", "inactive", "failed", "" when systemd has no such unit. */
    readonly auditd: string;
    readonly canLoad: boolean;
    readonly file?: { readonly sha256: string; readonly owner: string; readonly group: string; readonly mode: string };
    /** auditctl -l, when auditd runs. */
    readonly loadedRules?: string;
    /** `auditctl -s` says enabled 2: the loaded rules cannot change until the next boot (CIS asks for -e 2). */
    readonly immutable: boolean;
}

async function probe(session: SshSession, inputs: AuditRulesInputs): Promise<NodeState> {
    const out = await session.read("resolving the Docker paths to audit", PROBE_SCRIPT, [auditPathSpec(inputs.targets), inputs.path]);
    const lines = out.split("\n");
    const field = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1).trim() ?? "";
    const fileLine = field("file");
    const [hash, owner, group, mode] = fileLine.split(" ");
    const loaded = lines.filter((l) => l.startsWith("loaded ")).map((l) => l.slice("loaded ".length));
    const auditd = field("auditd");
    return {
        resolved: parseAuditPaths(lines.filter((l) => l.startsWith("path ")).map((l) => l.slice("path ".length)).join("\n")),
        auditd,
        canLoad: auditd === "active" && field("augenrules") !== "",
        file: fileLine === "absent" || fileLine === "" ? undefined : { sha256: hash, owner, group, mode: normalMode(mode) },
        loadedRules: auditd === "active" ? loaded.join("\n") : undefined,
        immutable: field("enabled") === "2",
    };
}

function render(inputs: AuditRulesInputs, state: NodeState, node: string) {
    const rendered = renderAuditRules(inputs.targets.map((t) => t.ruleId), state.resolved);
    const problems = parseAuditRules(rendered.content, inputs.path).problems;
    if (problems.length > 0) {
        // our renderer made a line auditctl would refuse: never write it
        throw new NodeError(node, `the rendered audit rules are not valid; nothing was written: ${problems.join("; ")}`);
    }
    return rendered;
}

/** Paths of the rendered file that the loaded rules do not watch. */
function notLoaded(watched: readonly { path: string }[], loadedRules: string): string[] {
    const loaded = parseAuditRules(loadedRules).watches;
    return [...new Set(watched.map((w) => w.path))].filter((p) => !loaded.some((w) => watchCovers(w, p)));
}

const WRITE_SCRIPT = remoteScript("audit-rules-write", {}, ["install-file", "receive-verified"]);
const RESTORE_SCRIPT = remoteScript("audit-rules-restore");
const CLEAN_SCRIPT = remoteScript("audit-rules-clean");
const LOAD_SCRIPT = remoteScript("audit-rules-load");
const REMOVE_SCRIPT = remoteScript("audit-rules-remove");

async function apply(inputs: AuditRulesInputs): Promise<AuditRulesOutputs> {
    const session = sessionFor(inputs.connection);
    const node = inputs.connection.name;
    const state = await probe(session, inputs);
    const rendered = render(inputs, state, node);
    const hash = sha256Hex(rendered.content);
    const mode = normalMode(inputs.mode);
    const inPlace = state.file !== undefined && state.file.sha256 === hash && state.file.owner === inputs.owner
        && state.file.group === inputs.group && state.file.mode === mode;
    const notes = [...rendered.skipped];
    if (!inPlace) {
        await session.check(`writing ${inputs.path}`, WRITE_SCRIPT, [inputs.path, inputs.owner, inputs.group, mode, sha256Hex(rendered.content)], { stdin: rendered.content });
        notes.push(`wrote ${inputs.path} (${rendered.watched.length} watches)`);
    }
    let loaded = false;
    let loadStatus: string;
    if (!state.canLoad) {
        loadStatus = state.auditd === "active"
            ? "written, not loaded: auditd runs but augenrules is not installed; load the rules with auditctl -R or restart auditd"
            : `written, not loaded: auditd is not running on this node (systemctl is-active auditd: ${state.auditd || "no such unit"}); auditd loads ${inputs.path} when it starts`;
    } else if (state.immutable) {
        loadStatus = IMMUTABLE_STATUS;
    } else if (inPlace && notLoaded(rendered.watched, state.loadedRules ?? "").length === 0) {
        loaded = true;
        loadStatus = "loaded (auditctl -l lists every watch)";
    } else {
        const out = await session.run(LOAD_SCRIPT);
        const text = out.stdout;
        const rc = /\nrc (\d+)\n/.exec(text)?.[1] ?? "1";
        const message = text.slice(0, text.lastIndexOf("\nrc ")).trim();
        const loadedRules = text.split("\n").filter((l) => l.startsWith("loaded ")).map((l) => l.slice("loaded ".length)).join("\n");
        if (/immutable/i.test(message)) {
            // -e 2: the kernel refuses rule changes until reboot; the file is right for the next boot
            loadStatus = IMMUTABLE_STATUS;
        } else {
            const missing = notLoaded(rendered.watched, loadedRules);
            // "Rule exists": another rules.d file already watches a path the same way; harmless
            // when every watch of ours is loaded
            const otherErrors = message.split("\n").filter((line) => /error/i.test(line) && !/rule exists/i.test(line));
            const duplicatesOnly = rc !== "0" && otherErrors.length === 0 && /rule exists/i.test(message);
            if ((rc !== "0" && !duplicatesOnly) || otherErrors.length > 0 || missing.length > 0) {
                if (!inPlace) {
                    await session.run(RESTORE_SCRIPT, [inputs.path]);
                }
                throw new NodeError(node, `augenrules --load did not load the audit rules${inPlace ? "" : `; the previous ${inputs.path} is restored`}: ${message || `exit ${rc}`}${missing.length > 0 ? `; not loaded: ${missing.join(", ")}` : ""}`);
            }
            loaded = true;
            loadStatus = "loaded by augenrules --load (auditctl -l lists every watch)";
        }
    }
    if (!inPlace) {
        await session.check(`cleaning up after writing ${inputs.path}`, CLEAN_SCRIPT, [inputs.path]);
    }
    return {
        ...inputs,
        mode,
        content: rendered.content,
        sha256: hash,
        resolved: Object.fromEntries(inputs.targets.map((t) => [t.ruleId, rendered.watched.filter((w) => w.ruleId === t.ruleId).map((w) => w.path)])),
        loaded,
        loadStatus,
        notes,
        drift: [],
    };
}

export async function create(inputs: AuditRulesInputs): Promise<CreateResult> {
    return { id: `${inputs.connection.name}:${inputs.path}`, outs: await apply(inputs) };
}

export async function update(news: AuditRulesInputs): Promise<UpdateResult> {
    return { outs: await apply(news) };
}

/**
 * Refresh: the file as it should be now (paths resolved again: a containerd installed since needs
 * watches too) against the file on the node. Any difference is listed in `drift`, which the next
 * preview shows and `up` repairs.
 */
export async function read(id: string, props: AuditRulesOutputs): Promise<ReadResult> {
    const session = sessionFor(props.connection);
    const state = await probe(session, props);
    const rendered = render(props, state, props.connection.name);
    const drift: string[] = [];
    if (state.file === undefined) {
        drift.push(`${props.path} is missing`);
    } else {
        if (state.file.sha256 !== sha256Hex(rendered.content)) {
            drift.push(state.file.sha256 === props.sha256
                ? `${props.path} no longer matches the node's Docker paths`
                : `${props.path} was changed on the node (sha256 ${state.file.sha256})`);
        }
        const owner = `${state.file.owner}:${state.file.group}`;
        if (owner !== `${props.owner}:${props.group}` || state.file.mode !== normalMode(props.mode)) {
            drift.push(`${props.path} is ${owner} ${state.file.mode}, not ${props.owner}:${props.group} ${normalMode(props.mode)}`);
        }
    }
    if (state.canLoad && !state.immutable) {
        // also when auditd was installed or started after our write: the rules must be loaded now
        // (not while the loaded rules are immutable: no up could change that before a reboot)
        const missing = notLoaded(rendered.watched, state.loadedRules ?? "");
        if (missing.length > 0) {
            drift.push(`auditd runs and has no loaded watch for ${missing.join(", ")}`);
        }
    }
    const inputs = inputsOf(AuditRulesContract, props);
    return {
        id,
        props: { ...props, drift },
        inputs: drift.length > 0 ? { ...inputs, drift } : inputs,
    };
}

/** Destroy keeps the rules (onDestroy keep), or removes our file and reloads where auditd runs. */
export async function remove(props: AuditRulesOutputs): Promise<void> {
    if (props.keepOnDelete) {
        return;
    }
    const session = sessionFor(props.connection);
    if (ownedByAnother(await readOwner(session), props.connection.name)) {
        return; // renamed in the fleet: the node's new resource wrote this file
    }
    await session.check(`removing ${props.path}`, REMOVE_SCRIPT, [props.path]);
}
