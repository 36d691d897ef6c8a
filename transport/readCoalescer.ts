// Reads of one node that arrive together leave together: the engine asks for every resource of a
// refresh at once, and each would otherwise cost its own SSH round trip. Calls that arrive within
// a short window after the first go out as one remote/read-batch.sh; each caller gets its own part
// back. Nothing is cached: a read asked for after an answer came (a write may have happened since)
// always goes to the node again.
import { batchArguments, parseBatchAnswer, PartResult, ScriptCall } from "../lib/readBatch";
import { remoteCommand } from "../lib/shellQuote";

/** Runs read-batch.sh with these arguments; stdout as bytes (parts are framed by byte length). */
export type BatchRunner = (args: string[], parts: number) => Promise<{ readonly code: number; readonly stdout: Buffer; readonly stderr: string }>;

interface Pending {
    readonly call: ScriptCall;
    readonly resolve: (result: PartResult) => void;
    readonly reject: (error: unknown) => void;
}

/** One shell argument may be 128 KiB on Linux (MAX_ARG_STRLEN); sshd hands the whole command as one. */
const MAX_COMMAND_CHARS = 96 * 1024;

export class ReadCoalescer {
    private pending: Pending[] = [];
    private timer?: NodeJS.Timeout;

    constructor(private readonly runBatch: BatchRunner, private readonly windowMs = 15) {}

    read(call: ScriptCall): Promise<PartResult> {
        return new Promise((resolve, reject) => {
            this.pending.push({ call, resolve, reject });
            this.timer ??= setTimeout(() => this.flush(), this.windowMs);
        });
    }

    private flush(): void {
        this.timer = undefined;
        const waiting = this.pending;
        this.pending = [];
        for (const batch of commandSizedBatches(waiting)) {
            void this.send(batch);
        }
    }

    private async send(batch: readonly Pending[]): Promise<void> {
        try {
            const answer = await this.runBatch(batchArguments(batch.map((p) => p.call)), batch.length);
            if (answer.code !== 0) {
                throw new Error(`the batched read failed (exit ${answer.code}): ${answer.stderr.trim()}`);
            }
            const parts = parseBatchAnswer(answer.stdout, batch.length);
            batch.forEach((p, index) => p.resolve(parts[index]));
        } catch (error) {
            for (const p of batch) {
                p.reject(error);
            }
        }
    }
}

/** Consecutive runs of calls whose command stays under what one shell argument can hold. */
function commandSizedBatches(calls: readonly Pending[]): Pending[][] {
    const batches: Pending[][] = [];
    let size = 0;
    for (const p of calls) {
        const callSize = remoteCommand(p.call.script, p.call.args).length;
        const current = batches.at(-1);
        if (current === undefined || size + callSize > MAX_COMMAND_CHARS) {
            batches.push([p]);
            size = callSize;
        } else {
            current.push(p);
            size += callSize;
        }
    }
    return batches;
}
