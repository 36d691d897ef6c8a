// A fake SSH session for the daemon's apply steps: it records which remote script ran (with its
// first argument) and answers per script, so the order of writes, signals and checks is tested
// without a lab.
import * as fs from "node:fs";
import { REMOTE_SCRIPTS_DIR, remoteScriptText } from "../../lib/remoteScripts";
import { Probe } from "../../provider/daemonOnNode";
import { RunResult, SshSession } from "../../transport/ssh";

const scriptNames = fs.readdirSync(REMOTE_SCRIPTS_DIR).filter((f) => f.endsWith(".sh")).map((f) => f.replace(/\.sh$/, ""))
    .map((name) => [name, remoteScriptText(name)] as const)
    .sort((a, b) => b[1].length - a[1].length); // the longest body first: no body is a suffix of a longer match

const nameOf = (script: string) => scriptNames.find(([, body]) => script.endsWith(body))?.[0] ?? "(unknown script)";

export const HEALTHY = { LiveRestoreEnabled: true, Runtimes: { runc: {}, nvidia: {} }, SecurityOptions: ["name=seccomp,profile=/etc/docker/seccomp.json", "name=no-new-privileges"], ServerVersion: "26.1.5" };

/** A session that records which remote script ran, with what first argument, and answers per script. */
export function fakeSession(answers: Partial<Record<string, (args: readonly string[]) => RunResult>> = {}) {
    const steps: string[] = [];
    const answer = (script: string, args: readonly string[]): RunResult => {
        const name = nameOf(script);
        steps.push(args.length > 0 ? `${name} ${args[0]}` : name);
        return answers[name]?.(args) ?? { code: 0, stdout: name.includes("restart") || name.includes("reload") ? `${JSON.stringify(HEALTHY)}\n` : "", stderr: "" };
    };
    const session = {
        nodeName: "gpu-07",
        async run(script: string, args: readonly string[] = []) {
            return answer(script, args);
        },
        async check(what: string, script: string, args: readonly string[] = []) {
            const result = answer(script, args);
            if (result.code !== 0) {
                throw new Error(`${what} failed (exit ${result.code})`);
            }
            return result.stdout;
        },
        async read(what: string, script: string, args: readonly string[] = []) {
            return session.check(what, script, args);
        },
    };
    return { session: session as unknown as SshSession, steps };
}

export const before = (liveRestore: boolean): Probe => ({ daemon: {}, dockerdArgs: [], runningArgv: ["/usr/sbin/dockerd", "-H", "fd://"], unitFiles: [], info: { ...HEALTHY, LiveRestoreEnabled: liveRestore }, version: "26.1.5" });
export const CANDIDATE = { "live-restore": true, icc: false, "no-new-privileges": true, "seccomp-profile": "/etc/docker/seccomp.json", runtimes: { nvidia: { path: "/usr/bin/nvidia-container-runtime" } } };

