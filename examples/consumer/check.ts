// The package's type declarations, as a TypeScript consumer sees them: this file type-checks
// against the installed package (tsc -p tsconfig.json), and the e2e test runs that check.
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TOOLKIT_VERSION, GpuNode, GpuNodeArgs, NodeConnection, parseFleet } from "gpu-node-hardening";

export function harden(fleetText: string, connection: pulumi.Input<NodeConnection>): GpuNode {
    const fleet = parseFleet(fleetText, "fleet.yaml");
    const args: GpuNodeArgs = { connection, toolkitVersion: DEFAULT_TOOLKIT_VERSION, mirrorUrl: fleet.mirror?.url };
    return new GpuNode(fleet.nodes[0].name, args);
}
