// What a daemon rule judges (one daemon.json) and what it is: shared by daemonRules.ts and
// daemonCisRules.ts.
import { DaemonJson } from "../lib/daemonJson";
import { notApplicable, Rule, Verdict } from "./rule";

export interface DaemonFacts {
    /** The daemon.json that is (audit) or will be (preview) on the host; absent = not known. */
    readonly daemon?: DaemonJson;
    /** Keys daemon.json gives twice in one object (dockerd keeps the last); known to the audit only. */
    readonly duplicateKeys?: readonly string[];
    /** What the running dockerd reports (docker info); known to the audit only. */
    readonly running?: {
        readonly liveRestore?: boolean;
        readonly securityOptions: readonly string[];
        readonly defaultRuntime?: string;
        readonly runtimes: readonly string[];
    };
}

export interface DaemonRule extends Rule<DaemonFacts> {
    /** The keys this control sets in daemon.json; absent for checks that only forbid. */
    readonly desired?: DaemonJson;
}

/** Judge one daemon.json, or say why it cannot be judged. */
export function onDaemon(check: (daemon: DaemonJson) => Verdict) {
    return (facts: DaemonFacts): Verdict =>
        facts.daemon === undefined ? notApplicable("no daemon.json is known for this host") : check(facts.daemon);
}
