// Destroy with onDestroy: restore: daemon.json from before our first write comes back the way
// an update is applied (validated, a live-restore bridge first where a restart is needed, checked
// after, rolled back to the hardened file on any failure), per the plan of lib/destroyPlan.ts.
import { dockerMajorMinor } from "../lib/daemonReload";
import { DaemonRestorePlan, OriginalRecord } from "../lib/destroyPlan";
import { remoteScript } from "../lib/remoteScripts";
import { applyCandidate, DAEMON_JSON, DockerInfo, ORIGINAL, ORIGINAL_ABSENT, Probe, rollback, signal, STATE_DIR, validate, verify } from "./daemonOnNode";
import { restartGate } from "./restartGate";
import { NodeError, SshSession } from "../transport/ssh";

const ORIGINAL_SCRIPT = remoteScript("daemon-read-original", { ORIGINAL, ORIGINAL_ABSENT, STATE_DIR });

export async function readOriginal(session: SshSession): Promise<OriginalRecord> {
    const [kind, value] = (await session.check("reading the record of the original daemon.json", ORIGINAL_SCRIPT)).trim().split(" ");
    if (kind === "file") {
        return { kind: "file", text: Buffer.from(value ?? "", "base64").toString("utf8") };
    }
    return kind === "absent" ? { kind: "absent" } : { kind: "none", earlierWrites: value === "yes" };
}

const PUT_BACK_ORIGINAL_SCRIPT = remoteScript("daemon-put-back-original", { DAEMON_JSON, ORIGINAL, ORIGINAL_ABSENT, STATE_DIR });

const RESTORING = "restoring daemon.json from before the first hardening (destroy with onDestroy: restore)";

export async function restoreOriginal(session: SshSession, plan: Extract<DaemonRestorePlan, { kind: "restore" }>, before: Probe): Promise<void> {
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
