// Running a local command in a test: stdout is the result and is what callers parse; stderr is
// kept apart and only ever used in error messages. A script that logs progress to stderr (as
// lab/mirror/test-image.sh does while it builds) must never have that progress parsed as output.
import { spawnSync } from "node:child_process";

export interface CommandResult {
    /** Exit status; -1 when the process did not exit on its own (signal, time-out, spawn error). */
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
}

export interface RunOptions {
    input?: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
}

/** Runs `script` with bash -c; never throws. */
export function runScript(script: string, options: RunOptions = {}): CommandResult {
    const start = Date.now();
    const result = spawnSync("bash", ["-c", script], {
        input: options.input,
        cwd: options.cwd,
        encoding: "utf8",
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
        env: options.env ?? process.env,
    });
    const spawnError = result.error ? `\n[spawn error] ${result.error.message}` : "";
    return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: `${result.stderr ?? ""}${spawnError}`, ms: Date.now() - start };
}

/** Both streams, for assertions on what a person would read in a terminal (never for parsing). */
export const transcript = (result: { readonly stdout: string; readonly stderr: string }): string => `${result.stdout}${result.stderr}`;

/** Runs `script` and returns its stdout, trimmed; a non-zero exit throws with both streams named. */
export function stdoutOf(script: string, options: RunOptions = {}): string {
    const result = runScript(script, options);
    if (result.code !== 0) {
        throw new Error(`command failed (exit ${result.code}): ${script}\n--- stderr\n${result.stderr.trim()}\n--- stdout\n${result.stdout.trim()}`);
    }
    return result.stdout.trim();
}
