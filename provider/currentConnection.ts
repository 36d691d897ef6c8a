// The connection a refresh or a delete uses. The engine hands those operations the inputs recorded
// in state; a node that was re-imaged (new host key), moved (host, port) or given another user or
// key since then is reached as the fleet file says now, never as state remembers it.
import * as fs from "node:fs";
import { FleetError, parseFleet } from "../lib/fleet";
import { connectionOfFleetNode, NodeConnection } from "../lib/nodeConnection";

export class FleetConnectionError extends Error {}

/**
 * The recorded connection's node as its fleet file says now. A connection that came from no fleet
 * file (a program of the user's own) is used as recorded: the program's next run updates it. A
 * fleet file that is gone, or that no longer names the node (its resources are about to be
 * deleted), leaves the recorded connection too.
 */
export function currentConnection(recorded: NodeConnection): NodeConnection {
    const file = recorded.fleetFile;
    if (file === undefined || !fs.existsSync(file)) {
        return recorded;
    }
    let fleet;
    try {
        fleet = parseFleet(fs.readFileSync(file, "utf8"), file);
    } catch (error) {
        const reason = error instanceof FleetError ? error.message : String(error);
        throw new FleetConnectionError(`node ${recorded.name}: the fleet file that names it cannot be read, so its current connection is unknown: ${reason}`);
    }
    const node = fleet.nodes.find((n) => n.name === recorded.name);
    if (node === undefined) {
        return recorded;
    }
    let privateKey: string;
    try {
        privateKey = fs.readFileSync(node.privateKeyPath, "utf8");
    } catch (error) {
        // Only the path and the error code: never anything read from the key file.
        throw new FleetConnectionError(`node ${node.name}: ${file}: privateKeyPath ${node.privateKeyPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    return connectionOfFleetNode(file, node, privateKey);
}
