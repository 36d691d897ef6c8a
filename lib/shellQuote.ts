// POSIX shell quoting: every value that reaches a remote shell goes through here, so that
// spaces, quotes, $(...), newlines and leading dashes are data, never code.

export function shellQuote(value: string): string {
    if (value.includes("\0")) {
        throw new Error("a shell argument cannot contain a NUL byte");
    }
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `sh -c SCRIPT gnh ARG...`: a fixed script of ours, with every argument quoted. */
export function remoteCommand(script: string, args: readonly string[] = []): string {
    return ["sh", "-c", shellQuote(script), "gnh", ...args.map(shellQuote)].join(" ");
}
