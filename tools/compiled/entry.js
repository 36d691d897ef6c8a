// Starts a TypeScript entry point from its precompiled JavaScript when a build of the current
// sources exists (about a second faster: no compiler at start-up), and through ts-node otherwise,
// so that a checkout edited after set-up still runs what it says.
"use strict";
const path = require("node:path");
const { ROOT, currentBuild } = require("./sources");

/** `entry` is relative to the project root without extension, e.g. "audit/cli". */
function load(entry) {
    const build = process.env.GNH_NO_PRECOMPILED === "1" ? undefined : currentBuild();
    if (build !== undefined) {
        return require(path.join(build, `${entry}.js`));
    }
    require(path.join(ROOT, "node_modules", "ts-node")).register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
    return require(path.join(ROOT, `${entry}.ts`));
}

module.exports = { load };
