// Several read-only scripts answered by one SSH round trip (remote/read-batch.sh): the arguments
// that carry them there, and the framed answer taken apart again. Pure: transport/readCoalescer.ts
// decides what goes together.

export interface ScriptCall {
    readonly script: string;
    readonly args: readonly string[];
}

export interface PartResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** read-batch.sh's arguments: SCRIPT COUNT ARG... per call, in order. */
export function batchArguments(calls: readonly ScriptCall[]): string[] {
    return calls.flatMap((call) => [call.script, String(call.args.length), ...call.args]);
}

/**
 * The answer of read-batch.sh, one result per call. An answer that does not frame exactly the
 * calls that were sent (a session cut short, another program's output) is an error, never a
 * guess: a read that cannot be trusted must not become a verdict.
 */
export function parseBatchAnswer(answer: Buffer, calls: number): PartResult[] {
    const results: PartResult[] = [];
    let offset = 0;
    for (let index = 0; index < calls; index++) {
        const end = answer.indexOf(0x0a, offset);
        const header = end < 0 ? "" : answer.subarray(offset, end).toString("utf8");
        const match = /^gnh-part (\d+) (\d+) (\d+) (\d+)$/.exec(header);
        if (match === null || Number(match[1]) !== index) {
            throw new Error(`the batched read's answer is cut short or garbled at part ${index + 1} of ${calls}`);
        }
        const [outBytes, errBytes] = [Number(match[3]), Number(match[4])];
        const outStart = end + 1;
        const errStart = outStart + outBytes;
        offset = errStart + errBytes;
        if (offset > answer.length) {
            throw new Error(`the batched read's answer is cut short in part ${index + 1} of ${calls}`);
        }
        results.push({
            code: Number(match[2]),
            stdout: answer.subarray(outStart, errStart).toString("utf8"),
            stderr: answer.subarray(errStart, offset).toString("utf8"),
        });
    }
    if (offset !== answer.length) {
        throw new Error(`the batched read's answer has ${answer.length - offset} bytes after its ${calls} parts`);
    }
    return results;
}
