// One writer per node (issue #19): remote/node-lock.sh run here with sh, as the node runs it, and
// driven by the same awaitLock the provider uses. The lock is held while the holder's stdin is
// open (its SSH session), a second run waits naming the first, gives up naming it, and gets the
// lock as soon as the first run's session ends, however it ends.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { remoteScript } from "../../lib/remoteScripts";
import { awaitLock, holderName, lockWaitSeconds, NodeBusyError } from "../../transport/nodeLock";

function lockOn(file: string) {
    const script = remoteScript("node-lock", { NODE_LOCK: file });
    return (holder: string, waitSeconds: number) => {
        const child = spawn("sh", ["-c", script, "sh", holder, String(waitSeconds)], { stdio: ["pipe", "pipe", "pipe"] });
        const waitingFor: string[] = [];
        const taken = awaitLock(child, "gpu-07", waitSeconds, () => undefined, (other) => waitingFor.push(other));
        return { child, taken, waitingFor };
    };
}

const lockFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gnh-lock-")), "run", "gnh-apply.lock");

describe("the node's lock", () => {
    it("lets a second run wait, naming the first, and gives up naming it: nothing was changed", async () => {
        const take = lockOn(lockFile());
        const first = take("run A", 5);
        await first.taken;
        const second = take("run B", 1);
        await expect(second.taken).rejects.toThrow(NodeBusyError);
        await expect(second.taken).rejects.toThrow(/node gpu-07: another run holds the node's lock and did not release it within 1s: run A; nothing was changed/);
        expect(second.waitingFor).toEqual(["run A"]);
        first.child.stdin.end();
    });

    it("is free as soon as the holder's session ends, even when its process is killed", async () => {
        const take = lockOn(lockFile());
        const first = take("run A", 5);
        await first.taken;
        const second = take("run B", 20);
        await new Promise((resolve) => setTimeout(resolve, 300));
        first.child.kill("SIGKILL");
        await second.taken;
        expect(second.waitingFor).toEqual(["run A"]);
        second.child.stdin.end();
    });

    it("is taken at once when nobody holds it, and a holder that ended leaves no holder record behind", async () => {
        const file = lockFile();
        const take = lockOn(file);
        const first = take("run A", 0);
        await first.taken;
        expect(fs.readFileSync(`${file}.holder`, "utf8")).toBe("run A\n");
        first.child.stdin.end();
        await new Promise((resolve) => first.child.on("close", resolve));
        expect(fs.existsSync(`${file}.holder`)).toBe(false);
        const second = take("run B", 0);
        await second.taken;
        expect(second.waitingFor).toEqual([]);
        second.child.stdin.end();
    });
});

describe("the holder's name and the wait", () => {
    it("names the project and stack from the URN, the process and the time", () => {
        expect(holderName("urn:pulumi:prod-pool-a::gpu-node-hardening::gnh:host:File::x", new Date("2026-11-30T10:00:00Z")))
            .toBe(`pulumi run of gpu-node-hardening/prod-pool-a (pid ${process.pid} on ${os.hostname()}, since 2026-11-30T10:00:00.000Z)`);
    });

    it("reads GNH_NODE_LOCK_WAIT_SECONDS as whole seconds and refuses anything else", () => {
        expect(lockWaitSeconds({})).toBe(600);
        expect(lockWaitSeconds({ GNH_NODE_LOCK_WAIT_SECONDS: "0" })).toBe(0);
        expect(() => lockWaitSeconds({ GNH_NODE_LOCK_WAIT_SECONDS: "1.5" })).toThrow(/not a whole number/);
        expect(() => lockWaitSeconds({ GNH_NODE_LOCK_WAIT_SECONDS: "-1" })).toThrow(/not a whole number/);
    });
});
