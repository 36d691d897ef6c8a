#!/usr/bin/env node
// The gnh-audit command: audit/cli.ts, precompiled by set-up into dist/ (ts-node when dist/ is
// older than the sources; `npm run typecheck` type-checks it with the rest of the project).
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point */
"use strict";
const { main } = require("../../tools/compiled/entry").load("audit/cli");
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
    process.stderr.write(`gnh-audit: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 2;
});
