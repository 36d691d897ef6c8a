// One writer per node (issue #19): before a run changes anything on a node it takes the node's
// lock (remote/node-lock.sh) and holds it until the run's process ends. The lock lives in a shell
// on the node that waits on our SSH session's stdin: when the run ends, however it ends (even
// SIGKILL), the session closes and the lock is free. A run that finds the lock taken says who
// holds it, waits, and gives up naming the holder.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import * as os from "node:os";

export const NODE_LOCK = "/run/lock/gnh-apply.lock";
const DEFAULT_WAIT_SECONDS = 600;

export class NodeBusyError extends Error {}

/** How long a run waits for another run's lock: GNH_NODE_LOCK_WAIT_SECONDS, else 10 minutes. */
export function lockWaitSeconds(env: NodeJS.ProcessEnv = process.env): number {
    const text = env.GNH_NODE_LOCK_WAIT_SECONDS;
    if (text === undefined || text === "") {
        return DEFAULT_WAIT_SECONDS;
    }
    const seconds = Number(text);
    if (!Number.isInteger(seconds) || seconds < 0) {
        throw new Error(`GNH_NODE_LOCK_WAIT_SECONDS=${JSON.stringify(text)} is not a whole number of seconds`);
    }
    return seconds;
}

/** "urn:pulumi:STACK::PROJECT::..." -> who we are, as another run waiting for us will read it. */
export function holderName(urn: string, now = new Date()): string {
    const [head, project] = urn.split("::");
    const stack = head?.split(":").pop() || "an unknown stack";
    return `pulumi run of ${project || "an unknown project"}/${stack} (pid ${process.pid} on ${os.hostname()}, since ${now.toISOString()})`;
}

/**
 * Waits until the lock script says "locked" (resolves; the child is then the lock) or "busy"
 * (rejects naming the holder). Each "waiting" line is reported once through onWaiting.
 */
export function awaitLock(
    child: ChildProcessWithoutNullStreams,
    node: string,
    waitSeconds: number,
    /** ssh's or sudo's own failure, said in the fleet's terms; undefined for any other exit. */
    sessionFailure: (code: number, stderr: string) => Error | undefined,
    onWaiting: (holder: string) => void,
): Promise<void> {
    return new Promise((resolve, reject) => {
        let buffered = "";
        let stderr = "";
        let settled = false;
        const settle = (error?: Error) => {
            if (!settled) {
                settled = true;
                if (error) {
                    reject(error);
                } else {
                    resolve();
                }
            }
        };
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
        child.stdout.on("data", (chunk: Buffer) => {
            buffered += chunk.toString("utf8");
            let newline: number;
            while ((newline = buffered.indexOf("\n")) >= 0) {
                const line = buffered.slice(0, newline);
                buffered = buffered.slice(newline + 1);
                if (line === "locked") {
                    settle();
                } else if (line.startsWith("waiting ")) {
                    onWaiting(line.slice("waiting ".length));
                } else if (line.startsWith("busy ")) {
                    settle(new NodeBusyError(`node ${node}: another run holds the node's lock and did not release it within ${waitSeconds}s: ${line.slice("busy ".length)}; nothing was changed. Wait for it to finish, or raise GNH_NODE_LOCK_WAIT_SECONDS`));
                }
            }
        });
        child.on("error", (error) => settle(new Error(`node ${node}: cannot start ssh for the node's lock: ${error.message}`)));
        child.on("close", (code) => settle(sessionFailure(code ?? 1, stderr)
            ?? new Error(`node ${node}: the node's lock could not be taken (exit ${code}): ${stderr.trim() || "the session ended"}`)));
    });
}
