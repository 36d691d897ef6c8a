#!/usr/bin/env node
// The gnh resource provider's process (started by provider/pulumi-resource-gnh).
"use strict";
require("./entry").load("provider/main");
