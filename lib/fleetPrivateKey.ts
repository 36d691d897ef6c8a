// Reading a fleet node's private key file, for the program (which makes it a Pulumi secret) and
// the provider (which reaches the node as the fleet file says now). An unreadable file is the
// user's mistake: a FleetError naming the node, the fleet file and the path, never the content.
import * as fs from "node:fs";
import { FleetError, FleetNode } from "./fleet";

export function readFleetPrivateKey(fleetFile: string, node: Pick<FleetNode, "name" | "privateKeyPath">): string {
    try {
        return fs.readFileSync(node.privateKeyPath, "utf8");
    } catch (error) {
        throw new FleetError(`node ${node.name}: ${fleetFile}: privateKeyPath ${node.privateKeyPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
}
