// What `pulumi destroy` does to a node, decided from what the node recorded. Pure: the provider
// reads the records and carries the plan out (provider/dockerDaemonConfig.ts, managedFile.ts).
//
// - keep (the default): the host stays hardened; only our last-applied record is forgotten.
// - restore: daemon.json goes back to what it was before our first write (or is removed when
//   there was none), applied like an update (validated, live-restore kept on across the restart,
//   rolled back on failure); the seccomp profile goes unless the restored file still names it.
import { deepEqual } from "./daemonMerge";
import { needsRestart } from "./daemonReload";
import { DaemonJson } from "./daemonJson";

export const ON_DESTROY_VALUES = ["keep", "restore"] as const;
export type OnDestroy = (typeof ON_DESTROY_VALUES)[number];
export const DEFAULT_ON_DESTROY: OnDestroy = "keep";

export const isOnDestroy = (value: unknown): value is OnDestroy => (ON_DESTROY_VALUES as readonly unknown[]).includes(value);

/**
 * Whether the node's files now belong to another resource: the owner record names the node as
 * the fleet calls it, and a node renamed in the fleet file is replaced (the new resource writes
 * first, the old one is deleted last), so the old one's destroy must leave the node alone.
 * An empty record (written by a version without one) belongs to whoever destroys.
 */
export function ownedByAnother(ownerRecord: string, nodeName: string): boolean {
    const owner = ownerRecord.trim();
    return owner !== "" && owner !== nodeName;
}

/** What the node holds about daemon.json from before our first write. */
export type OriginalRecord =
    | { readonly kind: "file"; readonly text: string }
    | { readonly kind: "absent" }
    /** No record: either we never wrote daemon.json, or a version without records did (earlierWrites). */
    | { readonly kind: "none"; readonly earlierWrites: boolean };

export type DaemonRestorePlan =
    /** We never changed daemon.json: there is nothing to put back. */
    | { readonly kind: "untouched" }
    | { readonly kind: "refuse"; readonly reason: string }
    | {
        readonly kind: "restore";
        /** The file comes back byte for byte, or is removed. */
        readonly final: "file" | "absent";
        /** The original as dockerd reads it ({} when there was no file). */
        readonly original: DaemonJson;
        /** The original's exact text, for `dockerd --validate` ("{}" when there was no file). */
        readonly originalText: string;
        /**
         * The original with live-restore on, applied first when it differs from the current file:
         * the restart then happens with live-restore on both sides, so running containers
         * survive it; the exact original follows by reload. Undefined: no bridge step needed.
         */
        readonly bridge?: DaemonJson;
        /** Whether the bridge step needs a Docker restart (a reload suffices otherwise). */
        readonly restart: boolean;
    };

function parseObject(text: string): DaemonJson | string {
    try {
        const value = JSON.parse(text) as unknown;
        return typeof value === "object" && value !== null && !Array.isArray(value) ? value as DaemonJson : "its top level is not an object";
    } catch (error) {
        return (error as Error).message;
    }
}

/** The restore of daemon.json for a node whose current file is `current`. */
export function planDaemonRestore(original: OriginalRecord, current: DaemonJson, managedKeys?: readonly string[]): DaemonRestorePlan {
    if (original.kind === "none") {
        return original.earlierWrites
            ? { kind: "refuse", reason: "there is no record of daemon.json from before the first hardening (the node was hardened by an older version, which kept none), so it cannot be restored; nothing was changed. Destroy with onDestroy: keep, or restore the file by hand" }
            : { kind: "untouched" };
    }
    const originalText = original.kind === "file" ? original.text : "{}";
    const parsed = parseObject(originalText);
    if (typeof parsed === "string") {
        return { kind: "refuse", reason: `the recorded daemon.json from before the first hardening is not valid JSON (${parsed}); nothing was changed` };
    }
    if (managedKeys !== undefined) {
        // Putting the old bytes back would also undo what people changed since in keys we never
        // managed (data-root, registry-mirrors, proxies): refuse rather than lose it.
        const managed = new Set(managedKeys);
        const changed = [...new Set([...Object.keys(parsed), ...Object.keys(current)])]
            .filter((key) => !managed.has(key) && !deepEqual(parsed[key], current[key]))
            .sort();
        if (changed.length > 0) {
            return { kind: "refuse", reason: `daemon.json was changed since the first hardening in keys this tool does not manage (${changed.join(", ")}); restoring the file from before would undo that, so nothing was changed. Destroy with onDestroy: keep, or restore those keys by hand` };
        }
    }
    const bridge: DaemonJson = parsed["live-restore"] === true ? parsed : { ...parsed, "live-restore": true };
    const needsBridge = !deepEqual(bridge, current);
    return {
        kind: "restore",
        final: original.kind,
        original: parsed,
        originalText,
        bridge: needsBridge ? bridge : undefined,
        restart: needsBridge && needsRestart(current, bridge),
    };
}

/**
 * Whether a JSON file (its text; undefined when absent) still names `path` at top-level `key`,
 * as daemon.json's "seccomp-profile" names the profile. Unreadable JSON counts as naming it:
 * removing a file that Docker may need is the one mistake a destroy must not make.
 */
export function jsonFileNames(text: string | undefined, key: string, path: string): boolean {
    if (text === undefined) {
        return false;
    }
    const parsed = parseObject(text);
    return typeof parsed === "string" || parsed[key] === path;
}
