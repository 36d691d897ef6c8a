// The order of the daemon's apply steps against a fake SSH session, without a lab: live-restore by
// reload before anything else, the full file, reload or restart, the checks, a test container;
// on any failure the previous file back and Docker signalled the same way it was changed.
import { describe, expect, it } from "vitest";
import { applyCandidate, commandLineProblems, writeSafely } from "../../provider/daemonOnNode";
import { before, CANDIDATE, fakeSession, HEALTHY } from "../support/fakeDaemonSession";

describe("the daemon's apply steps", () => {
    it("turns live-restore on by reload first, then writes the rest and restarts, checks, and runs a test container", async () => {
        const { session, steps } = fakeSession();
        const notes: string[] = [];
        await writeSafely(session, CANDIDATE, {}, before(false), notes);
        expect(steps).toEqual([
            "daemon-write backup", "daemon-reload",
            "daemon-write keep-backup", "daemon-restart", "daemon-smoke-test nvidia",
        ]);
        expect(notes).toEqual(expect.arrayContaining(["enabled live-restore with a reload before any restart", "a test container ran with the nvidia runtime"]));
    });

    it("rolls a reload-only change back by reload, never by a restart that would stop unprotected containers", async () => {
        const { session, steps } = fakeSession({ "daemon-smoke-test": () => ({ code: 125, stdout: "", stderr: "docker: Error response from daemon: unknown runtime" }) });
        const current = { "live-restore": true };
        await expect(applyCandidate(session, { ...current, "log-level": "info" }, current, false, [], true))
            .rejects.toThrow(/^node gpu-07: applying daemon.json failed, the previous daemon.json is restored and Docker runs again\. Docker said: a test container \(docker run --runtime=runc\) failed/);
        expect(steps).toEqual(["daemon-write backup", "daemon-reload", "daemon-smoke-test runc", "daemon-restore", "daemon-rollback-reload"]);
    });

    it("after a failed restart: the log, the previous file, a restart back onto it, and an error naming the node", async () => {
        const { session, steps } = fakeSession({
            "daemon-restart": () => ({ code: 1, stdout: "", stderr: "Job for docker.service failed" }),
            "daemon-rollback-restart": () => ({ code: 0, stdout: `${JSON.stringify(HEALTHY)}\n`, stderr: "" }),
        });
        await expect(writeSafely(session, CANDIDATE, { "live-restore": true }, before(true), []))
            .rejects.toThrow(/^node gpu-07: applying daemon.json failed, the previous daemon.json is restored and Docker runs again\. Docker said: docker restart failed: Job for docker.service failed/);
        expect(steps).toEqual(["daemon-write backup", "daemon-restart", "daemon-log", "daemon-restore", "daemon-rollback-restart"]);
    });
});

describe("dockerd's command line, before anything is written", () => {
    it("is judged by the audit's rule, as it runs and as the unit would start it, naming the unit files", () => {
        const clean = before(true);
        expect(commandLineProblems(clean)).toEqual([]);
        const dropIn = { ...clean, dockerdArgs: ["-H", "fd://", "-H", "tcp://0.0.0.0:2375"], unitFiles: ["/usr/lib/systemd/system/docker.service", "/etc/systemd/system/docker.service.d/tcp.conf"] };
        const problems = commandLineProblems(dropIn);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("listens on tcp://0.0.0.0:2375 without TLS verification");
        expect(problems[0]).toContain("/etc/systemd/system/docker.service.d/tcp.conf");
        // TLS verification in daemon.json counts, as dockerd merges it
        expect(commandLineProblems({ ...dropIn, daemon: { tlsverify: true } })).toEqual([]);
        expect(commandLineProblems({ ...clean, runningArgv: ["/usr/sbin/dockerd", "--config-file=/etc/docker/other.json"] })[0]).toContain("reads /etc/docker/other.json");
    });
});

