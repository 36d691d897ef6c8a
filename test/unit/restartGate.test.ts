import { describe, expect, it } from "vitest";
import { RestartGate, RestartsHalted } from "../../provider/restartGate";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("restart gate", () => {
    it("never runs more than K restarts at once", async () => {
        const gate = new RestartGate(2);
        let now = 0;
        let peak = 0;
        await Promise.all(["a", "b", "c", "d", "e"].map((node) => gate.run(node, async () => {
            now++;
            peak = Math.max(peak, now);
            await sleep(20);
            now--;
        })));
        expect(peak).toBe(2);
    });

    it("halts later restarts after one failed, naming the failed node", async () => {
        const gate = new RestartGate(1);
        const ran: string[] = [];
        const results = await Promise.allSettled(["a", "b", "c"].map((node) => gate.run(node, async () => {
            ran.push(node);
            await sleep(5);
            if (node === "a") {
                throw new Error("restart failed, rolled back");
            }
        })));
        expect(ran).toEqual(["a"]);
        expect(results[1]).toMatchObject({ status: "rejected" });
        const reason = (results[2] as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(RestartsHalted);
        expect(String(reason.message)).toContain("node c: Docker was not restarted and nothing was changed: restarts are halted for this run because the restart on node a failed");
    });

    it("takes the smallest K any resource asks for", () => {
        const gate = new RestartGate(Infinity);
        gate.setLimit(3);
        gate.setLimit(1);
        gate.setLimit(2);
        expect((gate as unknown as { limit: number }).limit).toBe(1);
    });
});
