// The TypeScript sources that the precompiled entry points (the audit CLI, the gnh provider) are
// built from, and their fingerprint: dist/ is used only while it was built from exactly these
// files, so an edited source is never shadowed by stale JavaScript.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE_DIRS = ["audit", "provider", "rules", "lib", "schemas"];
const EXTRA_FILES = ["tsconfig.json", "tsconfig.build.json"];
const DIST = path.join(ROOT, "dist");
const MANIFEST = path.join(DIST, ".sources-sha256");

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
            } else if ((entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || entry.name.endsWith(".json")) {
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

function isFresh() {
    try {
        return fs.readFileSync(MANIFEST, "utf8").trim() === fingerprint();
    } catch {
        return false;
    }
}

module.exports = { ROOT, DIST, MANIFEST, fingerprint, isFresh };
