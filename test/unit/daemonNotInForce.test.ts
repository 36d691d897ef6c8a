// A daemon.json that is right on disk but not what dockerd runs (an apply cut off between its
// write and its signal, or a hand edit without a restart): the next up puts it in force, by reload
// when that is enough, by a restart through the gate otherwise. Its own file: the restart gate is
// per process, and another file's failed restart would halt it.
import { describe, expect, it } from "vitest";
import { applyIfNotInForce } from "../../provider/daemonOnNode";
import { before, CANDIDATE, fakeSession, HEALTHY } from "../support/fakeDaemonSession";

describe("a daemon.json that is right on disk but not in force (an apply cut off before its signal)", () => {
    it("does nothing when docker info shows the file", async () => {
        const { session, steps } = fakeSession();
        await applyIfNotInForce(session, CANDIDATE, before(true), []);
        expect(steps).toEqual([]);
    });

    it("reloads first, and stops there when the reload puts it in force", async () => {
        const { session, steps } = fakeSession();
        const notes: string[] = [];
        await applyIfNotInForce(session, CANDIDATE, before(false), notes);
        expect(steps).toEqual(["daemon-reload"]);
        expect(notes).toEqual(["daemon.json was not in force (docker info does not show live-restore enabled)", "applied by reload"]);
    });

    it("restarts, without writing, when a reload is not enough; and checks with a test container", async () => {
        const stale = { ...HEALTHY, SecurityOptions: ["name=seccomp,profile=builtin"] };
        let reloads = 0;
        const { session, steps } = fakeSession({
            "daemon-reload": () => ({ code: 0, stdout: `${JSON.stringify(stale)}\n`, stderr: "" }),
            "docker-info": () => ((reloads += 1), { code: 0, stdout: JSON.stringify(stale), stderr: "" }),
        });
        const probe = { ...before(true), info: stale };
        await applyIfNotInForce(session, CANDIDATE, probe, []);
        expect(steps.filter((s) => s !== "docker-info")).toEqual(["daemon-reload", "daemon-restart", "daemon-smoke-test nvidia"]);
        expect(reloads).toBeGreaterThan(0);
    });
});
