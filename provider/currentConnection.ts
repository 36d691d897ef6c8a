// The connection a refresh or a delete uses. The engine hands those operations the inputs recorded
// in state; a node that was re-imaged (new host key), moved (host, port) or given another user or
// key since then is reached as the fleet file says now, never as state remembers it.
import * as fs from "node:fs";
import type { Fleet } from "../lib/fleet";
import type { NodeConnection } from "../lib/nodeConnection";

export class FleetConnectionError extends Error {}

/**
 * Each fleet file is parsed once per provider process and version of the file (a refresh reads
 * every resource of every node with it). The parser (YAML, JSON Schema) is loaded only here: the
 * provider starts for every preview and up, most of which never need it.
 */
const parsed = new Map<string, { readonly stamp: string; readonly fleet: Fleet }>();

async function fleetAsItIsNow(file: string, node: string): Promise<Fleet> {
    const stat = fs.statSync(file);
    const stamp = `${stat.mtimeMs} ${stat.size}`;
    const cached = parsed.get(file);
    if (cached?.stamp === stamp) {
        return cached.fleet;
    }
    const { FleetError, parseFleet } = await import("../lib/fleet");
    try {
        const fleet = parseFleet(fs.readFileSync(file, "utf8"), file);
        parsed.set(file, { stamp, fleet });
        return fleet;
    } catch (error) {
        const reason = error instanceof FleetError ? error.message : String(error);
        throw new FleetConnectionError(`node ${node}: the fleet file that names it cannot be read, so its current connection is unknown: ${reason}`);
    }
}

/**
 * The recorded connection's node as its fleet file says now. A connection that came from no fleet
 * file (a program of the user's own) is used as recorded: the program's next run updates it. A
 * fleet file that is gone, or that no longer names the node (its resources are about to be
 * deleted), leaves the recorded connection too.
 */
export async function currentConnection(recorded: NodeConnection): Promise<NodeConnection> {
    const file = recorded.fleetFile;
    if (file === undefined || !fs.existsSync(file)) {
        return recorded;
    }
    const node = (await fleetAsItIsNow(file, recorded.name)).nodes.find((n) => n.name === recorded.name);
    if (node === undefined) {
        return recorded;
    }
    const { connectionWithCredentials, readFleetCredentials } = await import("../lib/fleetPrivateKey");
    return connectionWithCredentials(file, node, readFleetCredentials(file, node));
}
