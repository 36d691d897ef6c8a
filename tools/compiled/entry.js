// Starts a TypeScript entry point from its precompiled JavaScript in dist/ when that was built
// from the current sources (about a second faster: no compiler at start-up), and through ts-node
// otherwise, so that a checkout that was edited after set-up still runs what it says.
"use strict";
const path = require("node:path");
const { DIST, ROOT, isFresh } = require("./sources");

/** `entry` is relative to the project root without extension, e.g. "audit/cli". */
function load(entry) {
    if (process.env.GNH_NO_PRECOMPILED !== "1" && isFresh()) {
        return require(path.join(DIST, `${entry}.js`));
    }
    require(path.join(ROOT, "node_modules", "ts-node")).register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
    return require(path.join(ROOT, `${entry}.ts`));
}

module.exports = { load };
