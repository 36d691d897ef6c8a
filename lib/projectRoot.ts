// The checkout's root, found from a module's own folder: the same answer whether the module runs
// from its TypeScript source or from its precompiled copy under dist/.
import * as fs from "node:fs";
import * as path from "node:path";

export function findProjectRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "tsconfig.json"))) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no project root (package.json and tsconfig.json) above ${from}`);
        }
    }
}
