// The shell scripts that run on nodes live in remote/*.sh, one file each, checked by shellcheck
// in `npm test`. This reads one, once, when the module that uses it is loaded, and prepends what it
// needs: the values of our constants (each quoted, so the .sh file names them as ${STATE_DIR} and
// the constant exists once, in TypeScript) and the shared shell functions it calls.
import * as fs from "node:fs";
import * as path from "node:path";
import { findProjectRoot } from "./projectRoot";
import { shellQuote } from "./shellQuote";

export const REMOTE_SCRIPTS_DIR = path.join(findProjectRoot(__dirname), "remote");

const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A remote/*.sh file without its shebang line (the scripts run as `sh -c SCRIPT`). */
export function remoteScriptText(name: string): string {
    const text = fs.readFileSync(path.join(REMOTE_SCRIPTS_DIR, `${name}.sh`), "utf8");
    return text.startsWith("#!") ? text.slice(text.indexOf("\n") + 1) : text;
}

/**
 * remote/NAME.sh, preceded by `NAME='value'` for each constant it reads and by the shared
 * functions (remote/FUNCTION.sh) it calls. A constant the script does not mention is refused, so
 * the two cannot drift apart unnoticed.
 */
export function remoteScript(name: string, constants: Readonly<Record<string, string>> = {}, functions: readonly string[] = []): string {
    const body = remoteScriptText(name);
    const definitions = Object.entries(constants).map(([key, value]) => {
        if (!CONSTANT_NAME.test(key) || !body.includes(`\${${key}}`)) {
            throw new Error(`remote/${name}.sh does not read \${${key}}: pass only the constants it uses`);
        }
        return `${key}=${shellQuote(value)}`;
    });
    return [...definitions, ...functions.map(remoteScriptText), body].join("\n");
}
