// A Pulumi program of your own: one node of your fleet file hardened with `new GpuNode(...)` from
// the installed package (stack config: fleetFile, node). Plain JavaScript; check.ts shows the same
// with the package's type declarations.
"use strict";
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const { connectionWithCredentials, GpuNode, parseFleet, readFleetCredentials } = require("gpu-node-hardening");

const config = new pulumi.Config();
const fleetFile = config.require("fleetFile");
const fleet = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile);
const node = fleet.nodes.find((n) => n.name === config.require("node"));
if (node === undefined) {
    throw new pulumi.RunError(`${fleetFile} has no node ${config.require("node")}`);
}
// the key files are read here and stay Pulumi secrets
const connection = pulumi.secret(readFleetCredentials(fleetFile, node)).apply((credentials) => connectionWithCredentials(fleetFile, node, credentials));

const hardened = new GpuNode(node.name, {
    connection,
    mirrorUrl: fleet.mirror && fleet.mirror.url,
    mirrorFingerprint: fleet.mirror && fleet.mirror.fingerprint,
});

exports.toolkit = hardened.toolkitVersion;
exports.daemonSettingsHash = hardened.daemonSettingsHash;
