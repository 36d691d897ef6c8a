// What a failed host-key check means, said in the fleet's terms. OpenSSH reports a changed key
// with a banner of '@' lines on stderr; a user needs the node, the key it presents and the key
// that is pinned. Pure: transport/ssh.ts passes ssh's stderr in.
import * as crypto from "node:crypto";
import { NodeConnection } from "./nodeConnection";

/** OpenSSH's fingerprint of a public key line ("ssh-ed25519 AAAA..."): "SHA256:" + unpadded base64. */
export function hostKeyFingerprint(hostKey: string): string {
    const blob = hostKey.trim().split(/\s+/)[1] ?? "";
    const digest = crypto.createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64");
    return `SHA256:${digest.replace(/=+$/, "")}`;
}

const VERIFICATION_FAILED = /Host key verification failed\./;
// "The fingerprint for the ED25519 key sent by the remote host is\nSHA256:abc."
const PRESENTED = /The fingerprint for the (\S+) key sent by the remote host is\s*\n\s*(SHA256:[A-Za-z0-9+/]+)/;

/**
 * The message for an SSH failure that is a host-key mismatch, or undefined when stderr shows
 * another kind of failure. Never quotes the banner, which names our temporary files.
 */
export function hostKeyMismatchMessage(connection: Pick<NodeConnection, "name" | "hostKey" | "fleetFile" | "host" | "port">, stderr: string): string | undefined {
    if (!VERIFICATION_FAILED.test(stderr)) {
        return undefined;
    }
    const pinnedType = connection.hostKey.trim().split(/\s+/)[0];
    const pinned = `${pinnedType} ${hostKeyFingerprint(connection.hostKey)}`;
    const where = connection.fleetFile === undefined ? "its connection pins" : `the fleet file (${connection.fleetFile}) pins`;
    const presented = PRESENTED.exec(stderr);
    const address = `${connection.host}:${connection.port}`;
    if (presented !== null) {
        return `node ${connection.name} (${address}) presents host key ${presented[1]} ${presented[2]} but ${where} ${pinned}: update hostKey if the node was re-imaged; otherwise something else answers at that address`;
    }
    return `node ${connection.name} (${address}) does not present the host key ${where} (${pinned}): update hostKey if the node was re-imaged; otherwise something else answers at that address`;
}
