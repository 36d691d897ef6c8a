// Three-way merge of /etc/docker/daemon.json: what we want (desired, from the rule catalog plus
// explicit overrides), what the node has (current), and what we applied last time (lastApplied,
// recorded on the node). Pure: the provider reads and writes the files around it.
//
// - Keys we never managed are the user's and are kept as they are.
// - A key we managed and no longer want is removed, unless the user changed it since.
// - A user value that differs from ours is kept when every rule that owns the key still passes
//   with it (their log-opts may be stricter than ours); otherwise it is a conflict, reported by
//   key, unless the caller overrides that key explicitly.
// - A key we already manage that was weakened on the node since is drift: it is put back.
// - What NVIDIA's install guide writes (runtimes.nvidia by bare name) is adopted, not a conflict.
import { isDeepStrictEqual } from "node:util";
import { DaemonJson } from "./daemonJson";
import { DaemonRule, daemonRules } from "../rules/daemonRules";

/** A managed location in daemon.json: a top-level key, or one entry under "runtimes". */
type KeyPath = readonly [string] | readonly ["runtimes", string];

export interface MergeInput {
    readonly desired: DaemonJson;
    readonly current: DaemonJson;
    readonly lastApplied?: DaemonJson;
    /** Keys whose desired value the caller set on purpose: they win over a user's value. */
    readonly overriddenKeys?: readonly string[];
}

export interface MergeResult {
    readonly merged: DaemonJson;
    /** What we now manage: record it on the node as the next lastApplied. */
    readonly applied: DaemonJson;
    readonly conflicts: readonly string[];
    readonly notes: readonly string[];
}

const NVIDIA_GUIDE_RUNTIME_PATHS = new Set(["nvidia-container-runtime"]);

export function managedPaths(config: DaemonJson): KeyPath[] {
    const paths: KeyPath[] = [];
    for (const key of Object.keys(config)) {
        const value = config[key];
        if (key === "runtimes" && isObject(value)) {
            for (const name of Object.keys(value)) {
                paths.push(["runtimes", name]);
            }
        } else {
            paths.push([key]);
        }
    }
    return paths;
}

export function mergeDaemonConfig(input: MergeInput, rules: readonly DaemonRule[] = daemonRules): MergeResult {
    const merged = structuredClone(input.current) as Record<string, unknown>;
    const lastApplied = input.lastApplied ?? {};
    const overridden = new Set(input.overriddenKeys ?? []);
    const conflicts: string[] = [];
    const notes: string[] = [];
    const desiredPaths = managedPaths(input.desired);
    const desiredNames = new Set(desiredPaths.map(pathName));

    for (const path of managedPaths(lastApplied)) {
        if (desiredNames.has(pathName(path))) {
            continue;
        }
        const current = getPath(merged, path);
        if (current !== undefined && deepEqual(current, getPath(lastApplied, path))) {
            deletePath(merged, path);
            notes.push(`removed ${pathName(path)}: no longer managed`);
        } else if (current !== undefined) {
            notes.push(`kept ${pathName(path)}: no longer managed, and changed on the node since we set it`);
        }
    }

    for (const path of desiredPaths) {
        const name = pathName(path);
        const wanted = getPath(input.desired, path);
        const current = getPath(merged, path);
        if (current === undefined || deepEqual(current, wanted)) {
            setPath(merged, path, wanted);
            continue;
        }
        if (overridden.has(name) || overridden.has(path[0]) || deepEqual(current, getPath(lastApplied, path))) {
            setPath(merged, path, wanted);
            continue;
        }
        if (getPath(lastApplied, path) !== undefined && !userValueSatisfiesOwners(merged, path, rules)) {
            // We manage this key and it was weakened on the node since: that is drift, put it back.
            setPath(merged, path, wanted);
            notes.push(`repaired ${name}: changed on the node to ${shown(current)}`);
            continue;
        }
        if (isNvidiaGuideRuntime(path, current)) {
            setPath(merged, path, wanted);
            notes.push(`adopted ${name}: NVIDIA's guide registers it by bare name; now by absolute path`);
            continue;
        }
        if (STRICTNESS_NOT_SHOWN_BY_VALUE.has(name)) {
            conflicts.push(`${name}: the node has ${shown(current)}, hardening needs ${JSON.stringify(wanted)}: another ${name === "seccomp-profile" ? "profile" : "runtime binary"} cannot be shown to be as strict from its name (set it in overrides to choose it on purpose)`);
            continue;
        }
        if (userValueSatisfiesOwners(merged, path, rules)) {
            notes.push(`kept the node's ${name}: ${shown(current)} also satisfies the rules that own it`);
            continue;
        }
        conflicts.push(`${name}: the node has ${shown(current)}, hardening needs ${JSON.stringify(wanted)} (set it in overrides to choose a value on purpose)`);
    }

    return { merged, applied: structuredClone(input.desired), conflicts, notes };
}

/**
 * A node's value as messages show it: scalars as they are; objects and arrays (log-opts may hold
 * a splunk-token, proxies a password) only by their keys, never their values.
 */
function shown(value: unknown): string {
    if (typeof value === "boolean" || typeof value === "number" || value === null) {
        return JSON.stringify(value);
    }
    if (typeof value === "string") {
        return /[@:/]/.test(value) || value.length > 64 ? "a string value (not shown)" : JSON.stringify(value);
    }
    if (Array.isArray(value)) {
        return `a list of ${value.length} (not shown)`;
    }
    return `an object with keys ${Object.keys(value as object).join(", ") || "(none)"} (values not shown)`;
}

/**
 * Keys whose node value passes its rule by its form (an absolute path) while saying nothing about
 * what is behind it: another seccomp profile may allow everything, another runtime binary may be
 * anything. The node's value is kept only when it is ours, or chosen on purpose in overrides.
 */
const STRICTNESS_NOT_SHOWN_BY_VALUE = new Set(["seccomp-profile", "runtimes.nvidia"]);

function isNvidiaGuideRuntime(path: KeyPath, current: unknown): boolean {
    return path[0] === "runtimes" && path[1] === "nvidia" && isObject(current)
        && typeof current.path === "string" && NVIDIA_GUIDE_RUNTIME_PATHS.has(current.path);
}

function userValueSatisfiesOwners(candidate: DaemonJson, path: KeyPath, rules: readonly DaemonRule[]): boolean {
    const owners = rules.filter((r) => r.desired !== undefined && managedPaths(r.desired).some((p) => pathName(p) === pathName(path)));
    return owners.length > 0 && owners.every((rule) => rule.evaluate({ daemon: candidate }).status === "pass");
}

const pathName = (path: KeyPath) => path.join(".");

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function getPath(config: DaemonJson, path: KeyPath): unknown {
    if (path.length === 1) {
        return config[path[0]];
    }
    const runtimes = config.runtimes;
    return isObject(runtimes) ? runtimes[path[1]] : undefined;
}

function setPath(config: Record<string, unknown>, path: KeyPath, value: unknown): void {
    if (path.length === 1) {
        config[path[0]] = structuredClone(value);
        return;
    }
    const runtimes = isObject(config.runtimes) ? config.runtimes : {};
    runtimes[path[1]] = structuredClone(value);
    config.runtimes = runtimes;
}

function deletePath(config: Record<string, unknown>, path: KeyPath): void {
    if (path.length === 1) {
        delete config[path[0]];
        return;
    }
    if (isObject(config.runtimes)) {
        delete config.runtimes[path[1]];
        if (Object.keys(config.runtimes).length === 0) {
            delete config.runtimes;
        }
    }
}

/** Structural equality of JSON values (node's own isDeepStrictEqual: same keys, same types, same order of array items). */
export const deepEqual = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);

/** The hardened daemon.json fragment: every rule's desired keys, then explicit overrides. */
export function desiredDaemonConfig(overrides: DaemonJson = {}, rules: readonly DaemonRule[] = daemonRules): DaemonJson {
    const desired: Record<string, unknown> = {};
    for (const rule of rules) {
        for (const [key, value] of Object.entries(rule.desired ?? {})) {
            desired[key] = key === "runtimes" && isObject(desired.runtimes) && isObject(value)
                ? { ...desired.runtimes, ...structuredClone(value) }
                : structuredClone(value);
        }
    }
    for (const [key, value] of Object.entries(overrides)) {
        if (value === null) {
            delete desired[key]; // an override of null means: do not manage this key
        } else {
            desired[key] = structuredClone(value);
        }
    }
    return desired;
}
