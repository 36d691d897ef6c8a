#!/usr/bin/env node
// `npx gnh-audit` from the installed package: the audit CLI's compiled JavaScript only (no
// compiler, no ts-node, nothing written). In a checkout, `npm run audit` starts audit/bin/gnh-audit.js.
"use strict";
const { main } = require("../lib/audit/cli.js");
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
    process.stderr.write(`gnh-audit: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 2;
});
