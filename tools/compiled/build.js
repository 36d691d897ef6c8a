// Set-up step: compiles the fleet program, the audit CLI and the gnh provider into
// dist/<fingerprint>/ unless that
// build exists. It compiles into a scratch folder and renames it into place, so that concurrent
// set-ups and starting processes never see half a build; older builds are removed, except the
// newest few that a running process may still be loading from. Type errors do not stop it (the
// suite's type check reports them); a failed emit leaves no build, and the entry points keep
// using ts-node.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { DIST, ROOT, fingerprint } = require("./sources");

const KEEP_BUILDS = 3;

const want = fingerprint();
if (fs.existsSync(path.join(DIST, want))) {
    process.exit(0);
}
fs.mkdirSync(DIST, { recursive: true });
const scratch = fs.mkdtempSync(path.join(DIST, `.build-${want.slice(0, 12)}-`));
const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", scratch], { cwd: ROOT, encoding: "utf8" });
if (!["index.js", "audit/cli.js", "provider/main.js"].every((entry) => fs.existsSync(path.join(scratch, entry)))) {
    fs.rmSync(scratch, { recursive: true, force: true });
    process.stderr.write(`setup: precompiling the program, the audit CLI and the provider failed; they run through ts-node instead\n${result.stdout}${result.stderr}`);
    process.exit(0);
}
if (fingerprint() !== want) {
    // a source changed while it compiled: this build would be filed under the wrong sources
    fs.rmSync(scratch, { recursive: true, force: true });
    process.stderr.write("setup: sources changed while precompiling; they run through ts-node until the next set-up\n");
    process.exit(0);
}
try {
    fs.renameSync(scratch, path.join(DIST, want));
} catch {
    fs.rmSync(scratch, { recursive: true, force: true }); // another set-up finished the same build first
}
const builds = fs.readdirSync(DIST, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{64}$/.test(e.name) && e.name !== want)
    .map((e) => ({ dir: path.join(DIST, e.name), time: fs.statSync(path.join(DIST, e.name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
for (const old of builds.slice(KEEP_BUILDS - 1)) {
    fs.rmSync(old.dir, { recursive: true, force: true });
}
