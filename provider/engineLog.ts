// What the person running `pulumi up` must see while it happens (a run waiting for another's lock
// on a node) goes to the engine's log, which the CLI shows as a diagnostic. A provider's stderr
// reaches only the engine's debug logs.
import * as log from "@pulumi/pulumi/log";

/**
 * The SDK's log finds the engine through PULUMI_NODEJS_ENGINE; the engine hands a provider its
 * address as the first argument that is not a flag (the SDK's own provider/internals parseArgs
 * skips the same flags). Must run before the SDK's first log call.
 */
export function connectEngineLog(args: readonly string[]): void {
    const operands: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--tracing") {
            i++;
        } else if (args[i] !== "--logtostderr" && !args[i].startsWith("-v=")) {
            operands.push(args[i]);
        }
    }
    if (operands[0] !== undefined) {
        process.env.PULUMI_NODEJS_ENGINE ??= operands[0];
    }
}

/** Shown to the user; never fails the operation that reports it (stderr if the engine is gone). */
export function tellUser(message: string): void {
    log.info(message).catch(() => process.stderr.write(`${message}\n`));
}
