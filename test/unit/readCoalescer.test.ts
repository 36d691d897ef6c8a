// Reads of one node asked for together share one SSH round trip (issue #21), each caller gets its
// own part back, and nothing read before a write answers a read asked for after it. The batch runs
// here with sh, as the node runs it.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { batchArguments, parseBatchAnswer } from "../../lib/readBatch";
import { remoteScript } from "../../lib/remoteScripts";
import { BatchRunner, ReadCoalescer } from "../../transport/readCoalescer";

const READ_BATCH = remoteScript("read-batch");

/** read-batch.sh run by sh here; counts the round trips. */
function localRunner() {
    const batches: number[] = [];
    const run: BatchRunner = async (args, parts) => {
        batches.push(parts);
        const result = spawnSync("sh", ["-c", READ_BATCH, "gnh", ...args]);
        return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
    };
    return { run, batches };
}

describe("batched reads", () => {
    it("answers reads asked for together with one round trip, each with its own output, exit and stderr", async () => {
        const { run, batches } = localRunner();
        const reads = new ReadCoalescer(run);
        const [a, b, c, d] = await Promise.all([
            reads.read({ script: 'printf "%s|" "$@"', args: ["one arg", "it's", "$(not run)", "-n"] }),
            reads.read({ script: "echo to stderr >&2; exit 3", args: [] }),
            reads.read({ script: "head -c 3 /dev/zero; printf 'gnh-part 9 9 9 9\\n'", args: [] }),
            reads.read({ script: "cat", args: [] }),
        ]);
        expect(batches).toEqual([4]);
        expect(a).toEqual({ code: 0, stdout: "one arg|it's|$(not run)|-n|", stderr: "" });
        expect(b).toEqual({ code: 3, stdout: "", stderr: "to stderr\n" });
        expect(c.stdout).toBe("\0\0\0gnh-part 9 9 9 9\n");
        // a part never reads the batch's stdin
        expect(d).toEqual({ code: 0, stdout: "", stderr: "" });
    });

    it("sends a read asked for after an answer came to the node again: nothing is cached across a write", async () => {
        const { run, batches } = localRunner();
        const reads = new ReadCoalescer(run);
        let value = "before";
        const first = await reads.read({ script: 'echo "$1"', args: [value] });
        value = "after"; // a write happened in between
        const second = await reads.read({ script: 'echo "$1"', args: [value] });
        expect([first.stdout, second.stdout]).toEqual(["before\n", "after\n"]);
        expect(batches).toEqual([1, 1]);
    });

    it("fails every read of a batch whose round trip failed", async () => {
        const reads = new ReadCoalescer(async () => { throw new Error("node gpu-07: cannot reach root@127.0.0.1:1 over SSH"); });
        const results = await Promise.allSettled([reads.read({ script: "true", args: [] }), reads.read({ script: "true", args: [] })]);
        expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    });

    it("splits a batch that would not fit in one shell argument", async () => {
        const { run, batches } = localRunner();
        const reads = new ReadCoalescer(run);
        const big = "x".repeat(40_000);
        const answers = await Promise.all([1, 2, 3, 4].map(() => reads.read({ script: 'printf %s "$1" | wc -c', args: [big] })));
        expect(answers.map((a) => a.stdout.trim())).toEqual(["40000", "40000", "40000", "40000"]);
        expect(batches).toEqual([2, 2]);
    });
});

describe("the batched answer", () => {
    it("refuses an answer cut short or with extra bytes: a read that cannot be trusted is no verdict", () => {
        const whole = Buffer.from("gnh-part 0 0 3 0\nabcgnh-part 1 1 0 2\nE\n");
        expect(parseBatchAnswer(whole, 2)).toEqual([{ code: 0, stdout: "abc", stderr: "" }, { code: 1, stdout: "", stderr: "E\n" }]);
        expect(() => parseBatchAnswer(whole.subarray(0, whole.length - 1), 2)).toThrow(/cut short in part 2 of 2/);
        expect(() => parseBatchAnswer(whole, 3)).toThrow(/part 3 of 3/);
        expect(() => parseBatchAnswer(Buffer.concat([whole, Buffer.from("x")]), 2)).toThrow(/1 bytes after/);
    });

    it("names each call's script, argument count and arguments, in order", () => {
        expect(batchArguments([{ script: "a", args: ["1", "2"] }, { script: "b", args: [] }])).toEqual(["a", "2", "1", "2", "b", "0"]);
    });
});
