// `npm pack` runs this first (package.json "prepack"): compiles the package's code with its type
// declarations into pkg/lib/ and writes the standalone policy pack into pkg/policy-pack/. The
// installed package then runs only this JavaScript: it never compiles, never falls back to
// ts-node and writes nothing under node_modules. A type error stops the pack.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const lib = path.join(root, "pkg", "lib");
const pack = path.join(root, "pkg", "policy-pack");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

function fail(message) {
    process.stderr.write(`buildPackage: ${message}\n`);
    process.exit(1);
}

fs.rmSync(lib, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.package.json"), "--outDir", lib], { cwd: root, encoding: "utf8" });
if (tsc.status !== 0) {
    fail(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}
const seccompBase = path.join(root, ".tools", "seccomp", "moby-default-v0.1.0.json");
if (!fs.existsSync(seccompBase)) {
    fail(`${seccompBase} is missing: run npm run setup first (the package carries the seccomp base profile)`);
}

// The standalone pack: the compiled policies, with its one door to the rule catalog
// (policies/ruleCatalog.ts) opening onto the installed gpu-node-hardening package instead.
fs.rmSync(pack, { recursive: true, force: true });
fs.mkdirSync(pack, { recursive: true });
for (const file of fs.readdirSync(path.join(lib, "policies"))) {
    if (file.endsWith(".js") && file !== "ruleCatalog.js") {
        fs.copyFileSync(path.join(lib, "policies", file), path.join(pack, file));
    }
}
fs.writeFileSync(path.join(pack, "ruleCatalog.js"), [
    "\"use strict\";",
    "// The rule catalog of the installed gpu-node-hardening package (see policyCatalog.ts there).",
    "module.exports = require(\"gpu-node-hardening/policy-catalog\");",
    "",
].join("\n"));
const policies = JSON.parse(fs.readFileSync(path.join(root, "policies", "package.json"), "utf8"));
fs.writeFileSync(path.join(pack, "package.json"), `${JSON.stringify({
    name: policies.name,
    version: manifest.version,
    description: policies.description,
    license: manifest.license,
    main: "index.js",
    dependencies: {
        "gpu-node-hardening": `^${manifest.version}`,
        "@pulumi/policy": manifest.dependencies["@pulumi/policy"],
        "@pulumi/pulumi": manifest.dependencies["@pulumi/pulumi"],
    },
}, null, 2)}\n`);
fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), fs.readFileSync(path.join(root, "policies", "PulumiPolicy.yaml"), "utf8").replace(/typescript: true/, "typescript: false"));
process.stderr.write(`buildPackage: pkg/lib and pkg/policy-pack written (${manifest.name} ${manifest.version})\n`);
