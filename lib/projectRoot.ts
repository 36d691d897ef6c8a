// The project's root, found from a module's own folder: the folder whose package.json is
// gpu-node-hardening's. The same answer whether the module runs from its TypeScript source, from
// its precompiled copy under dist/, or from the installed package (node_modules/gpu-node-hardening,
// where remote/, data/ and the seccomp base profile travel with the compiled code).
import * as fs from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "gpu-node-hardening";

function isOurPackage(dir: string): boolean {
    try {
        return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
    } catch {
        return false;
    }
}

export function findProjectRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (isOurPackage(dir)) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
        }
    }
}
