// How we reach one node over SSH, and its validation. Pure: transport/ssh.ts does the I/O.
import { HOST_KEY } from "./patterns";


export interface NodeConnection {
    /** The node's name in the fleet: every error message starts with it. */
    readonly name: string;
    readonly host: string;
    readonly port: number;
    readonly user: string;
    /** OpenSSH private key text. A Pulumi secret: never logged, never in plain-text state. */
    readonly privateKey: string;
    /** The node's public host key, "ssh-ed25519 AAAA..."; verified on every connection. */
    readonly hostKey: string;
    /**
     * The fleet file (absolute path) this connection was read from. A refresh or a delete runs
     * with the inputs recorded in state, so the provider reads the node's connection from this
     * file as it is then: the fleet file always wins over a connection remembered in state.
     */
    readonly fleetFile?: string;
}

/** The connection of one fleet-file node: what the program passes and what the provider re-reads. */
export function connectionOfFleetNode(
    fleetFile: string,
    node: { readonly name: string; readonly host: string; readonly port: number; readonly user: string; readonly hostKey: string },
    privateKey: string,
): NodeConnection {
    return { name: node.name, host: node.host, port: node.port, user: node.user, hostKey: node.hostKey, privateKey, fleetFile };
}

// Host names, IPv4, and bare IPv6 (no brackets: ssh takes the address as it is).
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9a-fA-F:]+$/;
const USER = /^[a-z_][a-z0-9_-]*\$?$/;

/** Problems with a connection, each naming the node and the field; empty when valid. */
export function connectionProblems(c: Partial<NodeConnection>): string[] {
    const node = c.name ? `node ${c.name}` : "a node without a name";
    const problems: string[] = [];
    if (!c.name) {
        problems.push(`${node}: "name" is required`);
    }
    if (!c.host || !HOSTNAME.test(c.host)) {
        problems.push(`${node}: "host" ${JSON.stringify(c.host ?? "")} is not a host name or IP address`);
    }
    if (!Number.isInteger(c.port) || (c.port as number) < 1 || (c.port as number) > 65535) {
        problems.push(`${node}: "port" ${JSON.stringify(c.port)} is not a TCP port (1-65535)`);
    }
    if (!c.user || !USER.test(c.user)) {
        problems.push(`${node}: "user" ${JSON.stringify(c.user ?? "")} is not a valid user name`);
    }
    if (!c.hostKey || !HOST_KEY.test(c.hostKey.trim())) {
        problems.push(`${node}: "hostKey" must be the node's public host key ("ssh-ed25519 AAAA..."): host keys are always verified`);
    }
    if (!c.privateKey || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(c.privateKey)) {
        problems.push(`${node}: "privateKey" is not an OpenSSH or PEM private key`);
    }
    if (c.fleetFile !== undefined && !c.fleetFile.startsWith("/")) {
        problems.push(`${node}: "fleetFile" ${JSON.stringify(c.fleetFile)} is not an absolute path`);
    }
    return problems;
}

/** The known_hosts line for this node, in the form ssh looks up for non-standard ports. */
export function knownHostsLine(c: Pick<NodeConnection, "host" | "port" | "hostKey">): string {
    const address = c.port === 22 ? c.host : `[${c.host}]:${c.port}`;
    return `${address} ${c.hostKey.trim()}`;
}
