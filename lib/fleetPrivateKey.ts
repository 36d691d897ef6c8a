// Reading a fleet node's key files (its private key, its user certificate, its bastion's), for the
// program (which makes them a Pulumi secret), the provider (which reaches the node as the fleet
// file says now) and the audit. An unreadable file is the user's mistake: a FleetError naming the
// node, the fleet file, the field and the path, never the content.
import * as fs from "node:fs";
import { FleetError, FleetNode } from "./fleet";
import { connectionOfFleetNode, NodeConnection } from "./nodeConnection";

function readKeyFile(fleetFile: string, node: string, field: string, file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new FleetError(`node ${node}: ${fleetFile}: ${field} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
}

export function readFleetPrivateKey(fleetFile: string, node: Pick<FleetNode, "name" | "privateKeyPath">): string {
    return readKeyFile(fleetFile, node.name, "privateKeyPath", node.privateKeyPath);
}

/** The node's certificate and its bastion's key and certificate: what the connection needs besides the node's key. */
export interface NodeCredentials {
    readonly privateKey: string;
    readonly certificate?: string;
    readonly bastion?: { readonly privateKey: string; readonly certificate?: string };
}

export function readFleetCredentials(fleetFile: string, node: FleetNode): NodeCredentials {
    const read = (field: string, file: string) => readKeyFile(fleetFile, node.name, field, file);
    return {
        privateKey: readFleetPrivateKey(fleetFile, node),
        ...(node.certificatePath !== undefined ? { certificate: read("certificatePath", node.certificatePath) } : {}),
        ...(node.bastion !== undefined
            ? {
                bastion: {
                    privateKey: read("bastion.privateKeyPath", node.bastion.privateKeyPath),
                    ...(node.bastion.certificatePath !== undefined ? { certificate: read("bastion.certificatePath", node.bastion.certificatePath) } : {}),
                },
            }
            : {}),
    };
}

/** The connection of a fleet node, its key files read now. */
export function connectionWithCredentials(fleetFile: string, node: FleetNode, credentials: NodeCredentials): NodeConnection {
    return connectionOfFleetNode(fleetFile, node, credentials.privateKey, credentials);
}
