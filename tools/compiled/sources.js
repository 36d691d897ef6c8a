// The TypeScript sources that the precompiled entry points (the fleet program, the audit CLI, the
// gnh provider) are
// built from, and their fingerprint. Each build lives in dist/<fingerprint>/ and is complete once
// renamed into place, so a start never runs stale JavaScript, nor a build still being written.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE_DIRS = ["audit", "provider", "rules", "lib", "schemas", "data", "remote", "transport", "components", "sdk"];
const EXTRA_FILES = ["index.ts", "tsconfig.json", "tsconfig.build.json"];
const DIST = path.join(ROOT, "dist");

function listSources() {
    const files = [];
    const walk = (dir) => {
        if (!fs.existsSync(path.join(ROOT, dir))) {
            return;
        }
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const relative = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(relative);
            } else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || entry.name.endsWith(".json") || entry.name.endsWith(".sh")) {
                files.push(relative);
            }
        }
    };
    SOURCE_DIRS.forEach(walk);
    return files.sort().concat(EXTRA_FILES);
}

/** One sha256 over every source's path and content. */
function fingerprint() {
    const hash = crypto.createHash("sha256");
    for (const file of listSources()) {
        hash.update(file).update("\0").update(fs.readFileSync(path.join(ROOT, file))).update("\0");
    }
    return hash.digest("hex");
}

/** The folder of the build of the current sources, or undefined when there is none. */
function currentBuild() {
    const dir = path.join(DIST, fingerprint());
    return fs.existsSync(dir) ? dir : undefined;
}

module.exports = { ROOT, DIST, fingerprint, currentBuild };
