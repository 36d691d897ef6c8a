// How we reach one node over SSH, and its validation. Pure: transport/ssh.ts does the I/O.
import { HOST_KEY } from "./patterns";

/** How a host proves who it is: its pinned public key, or a host certificate signed by a pinned CA. */
export interface HostTrust {
    /** The host's public key, "ssh-ed25519 AAAA..."; verified on every connection. */
    readonly hostKey?: string;
    /** A CA public key ("ssh-ed25519 AAAA..."): the host must present a certificate it signed (OpenSSH @cert-authority). */
    readonly hostCertificateAuthority?: string;
}

/** A jump host between us and a node (OpenSSH ProxyJump's role), checked as strictly as the node. */
export interface Bastion extends HostTrust {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    /** A Pulumi secret, like the node's key. */
    readonly privateKey: string;
    /** An OpenSSH user certificate for privateKey, when the bastion trusts a user CA. */
    readonly certificate?: string;
}

export interface NodeConnection extends HostTrust {
    /** The node's name in the fleet: every error message starts with it. */
    readonly name: string;
    readonly host: string;
    readonly port: number;
    /** Any account: a user other than root runs every remote script through `sudo -n`. */
    readonly user: string;
    /** OpenSSH private key text. A Pulumi secret: never logged, never in plain-text state. */
    readonly privateKey: string;
    /** An OpenSSH user certificate (the -cert.pub file's text) for privateKey, when the node trusts a user CA. */
    readonly certificate?: string;
    /** Reached through this jump host when set; the node's host and port are then as the bastion resolves them. */
    readonly bastion?: Bastion;
    /**
     * The fleet file (absolute path) this connection was read from. A refresh or a delete runs
     * with the inputs recorded in state, so the provider reads the node's connection from this
     * file as it is then: the fleet file always wins over a connection remembered in state.
     */
    readonly fleetFile?: string;
}

/** The fleet node's fields a connection is made of; key and certificate texts are read by the caller. */
export interface FleetNodeAccess extends HostTrust {
    readonly name: string;
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly bastion?: Omit<Bastion, "privateKey" | "certificate">;
}

/** The connection of one fleet-file node: what the program passes and what the provider re-reads. */
export function connectionOfFleetNode(
    fleetFile: string,
    node: FleetNodeAccess,
    privateKey: string,
    extras: { readonly certificate?: string; readonly bastion?: { readonly privateKey: string; readonly certificate?: string } } = {},
): NodeConnection {
    return {
        name: node.name,
        host: node.host,
        port: node.port,
        user: node.user,
        ...trustOf(node),
        privateKey,
        ...(extras.certificate !== undefined ? { certificate: extras.certificate } : {}),
        ...(node.bastion !== undefined && extras.bastion !== undefined
            ? { bastion: { host: node.bastion.host, port: node.bastion.port, user: node.bastion.user, ...trustOf(node.bastion), ...extras.bastion } }
            : {}),
        fleetFile,
    };
}

const trustOf = (t: HostTrust): HostTrust => ({
    ...(t.hostKey !== undefined ? { hostKey: t.hostKey } : {}),
    ...(t.hostCertificateAuthority !== undefined ? { hostCertificateAuthority: t.hostCertificateAuthority } : {}),
});

// Host names, IPv4, and bare IPv6 (no brackets: ssh takes the address as it is).
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9a-fA-F:]+$/;
const USER = /^[a-z_][a-z0-9_-]*\$?$/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const USER_CERTIFICATE = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com)-cert-v01@openssh\.com [A-Za-z0-9+/]+={0,3}(\s|$)/;

/** Problems with how a host (node or bastion) is trusted: exactly one of a pinned key or a pinned CA. */
export function trustProblems(who: string, t: Partial<HostTrust>): string[] {
    const key = t.hostKey?.trim();
    const ca = t.hostCertificateAuthority?.trim();
    if (key && ca) {
        return [`${who}: give "hostKey" or "hostCertificateAuthority", not both: a host is trusted one way`];
    }
    if (!key && !ca) {
        return [`${who}: "hostKey" (the host's public key) or "hostCertificateAuthority" (the CA that signs its host certificate) is required: host keys are always verified`];
    }
    if (key && !HOST_KEY.test(key)) {
        return [`${who}: "hostKey" must be the host's public key ("ssh-ed25519 AAAA..."): host keys are always verified`];
    }
    if (ca && !HOST_KEY.test(ca)) {
        return [`${who}: "hostCertificateAuthority" must be the CA's public key ("ssh-ed25519 AAAA..."), as in the CA's .pub file`];
    }
    return [];
}

function addressProblems(who: string, c: { host?: string; port?: number; user?: string; privateKey?: string; certificate?: string }): string[] {
    const problems: string[] = [];
    if (!c.host || !HOSTNAME.test(c.host)) {
        problems.push(`${who}: "host" ${JSON.stringify(c.host ?? "")} is not a host name or IP address`);
    }
    if (!Number.isInteger(c.port) || (c.port as number) < 1 || (c.port as number) > 65535) {
        problems.push(`${who}: "port" ${JSON.stringify(c.port)} is not a TCP port (1-65535)`);
    }
    if (!c.user || !USER.test(c.user)) {
        problems.push(`${who}: "user" ${JSON.stringify(c.user ?? "")} is not a valid user name`);
    }
    if (!c.privateKey || !PRIVATE_KEY.test(c.privateKey)) {
        problems.push(`${who}: "privateKey" is not an OpenSSH or PEM private key`);
    }
    if (c.certificate !== undefined && !USER_CERTIFICATE.test(c.certificate.trim())) {
        problems.push(`${who}: "certificate" is not an OpenSSH user certificate ("ssh-ed25519-cert-v01@openssh.com AAAA...", the -cert.pub file)`);
    }
    return problems;
}

/** Problems with a connection, each naming the node and the field; empty when valid. */
export function connectionProblems(c: Partial<NodeConnection>): string[] {
    const node = c.name ? `node ${c.name}` : "a node without a name";
    const problems: string[] = [];
    if (!c.name) {
        problems.push(`${node}: "name" is required`);
    }
    problems.push(...addressProblems(node, c), ...trustProblems(node, c));
    if (c.bastion !== undefined) {
        const who = `${node}: bastion`;
        problems.push(...addressProblems(who, c.bastion), ...trustProblems(who, c.bastion));
    }
    if (c.fleetFile !== undefined && !c.fleetFile.startsWith("/")) {
        problems.push(`${node}: "fleetFile" ${JSON.stringify(c.fleetFile)} is not an absolute path`);
    }
    return problems;
}

/**
 * One machine, however it is named or logged into: its address, behind its bastion's. Two
 * connections with the same key reach the same node (a renamed node, another user).
 */
export function machineKey(c: { readonly host: string; readonly port: number; readonly bastion?: { readonly host: string; readonly port: number } }): string {
    const jump = c.bastion === undefined ? "" : `${c.bastion.host.toLowerCase()}:${c.bastion.port} -> `;
    return `${jump}${c.host.toLowerCase()}:${c.port}`;
}

/** How ssh names a host in known_hosts: bare on port 22, "[host]:port" otherwise. */
export function knownHostsAddress(c: { readonly host: string; readonly port: number }): string {
    return c.port === 22 ? c.host : `[${c.host}]:${c.port}`;
}

/** The known_hosts line for a host: its pinned key, or `@cert-authority` with its pinned CA. */
export function knownHostsLine(c: { readonly host: string; readonly port: number } & HostTrust): string {
    const address = knownHostsAddress(c);
    return c.hostCertificateAuthority !== undefined && c.hostCertificateAuthority.trim() !== ""
        ? `@cert-authority ${address} ${c.hostCertificateAuthority.trim()}`
        : `${address} ${(c.hostKey ?? "").trim()}`;
}

/** Our own known_hosts file for a connection: the node's line and, behind a bastion, the bastion's. */
export function knownHostsLines(c: NodeConnection): string[] {
    return [knownHostsLine(c), ...(c.bastion !== undefined ? [knownHostsLine(c.bastion)] : [])];
}
