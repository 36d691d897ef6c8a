// The fleet program (index.ts) as the engine runs it (Pulumi.yaml `main`): its precompiled build
// when it matches the sources, else through ts-node. Its exports are the stack's outputs.
"use strict";
module.exports = require("./entry").load("index");
