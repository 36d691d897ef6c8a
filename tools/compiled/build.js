// Set-up step: compiles the audit CLI and the gnh provider into dist/ unless dist/ already
// matches the sources. Type errors do not stop it (the suite's type check reports them); a
// failed emit leaves no manifest, so the entry points keep using ts-node.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { DIST, MANIFEST, ROOT, fingerprint, isFresh } = require("./sources");

if (isFresh()) {
    process.exit(0);
}
const want = fingerprint();
fs.rmSync(DIST, { recursive: true, force: true });
const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json")], { cwd: ROOT, encoding: "utf8" });
if (!fs.existsSync(path.join(DIST, "audit", "cli.js")) || !fs.existsSync(path.join(DIST, "provider", "main.js"))) {
    process.stderr.write(`setup: precompiling the audit CLI and the provider failed; they run through ts-node instead\n${result.stdout}${result.stderr}`);
    process.exit(0);
}
fs.writeFileSync(MANIFEST, `${want}\n`);
