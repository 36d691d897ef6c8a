// Which daemon.json changes dockerd applies on SIGHUP, and which need a restart. From Docker's
// documentation of daemon configuration reload; anything not listed is treated as needing one.
import { deepEqual } from "./daemonMerge";
import { DaemonJson } from "./daemonJson";

export const RELOADABLE_KEYS: ReadonlySet<string> = new Set([
    "debug",
    "labels",
    "live-restore",
    "max-concurrent-downloads",
    "max-concurrent-uploads",
    "max-download-attempts",
    "default-runtime",
    "runtimes",
    "authorization-plugins",
    "insecure-registries",
    "registry-mirrors",
    "shutdown-timeout",
    "features",
]);

export function changedKeys(before: DaemonJson, after: DaemonJson): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => !deepEqual(before[k], after[k])).sort();
}

export function needsRestart(before: DaemonJson, after: DaemonJson): boolean {
    return changedKeys(before, after).some((k) => !RELOADABLE_KEYS.has(k));
}

/** dockerd's flags without --config-file: --validate must read the candidate we hand it. */
export function withoutConfigFile(flags: readonly string[]): string[] {
    const kept: string[] = [];
    for (let i = 0; i < flags.length; i++) {
        if (flags[i] === "--config-file") {
            i++;
        } else if (!flags[i].startsWith("--config-file=")) {
            kept.push(flags[i]);
        }
    }
    return kept;
}

/** Docker's version as [major, minor]; "26.1.5+dfsg1" -> [26, 1]. */
export function dockerMajorMinor(version: string): [number, number] | undefined {
    const match = /^(\d+)\.(\d+)/.exec(version.trim());
    return match ? [Number(match[1]), Number(match[2])] : undefined;
}
