// What a failed host-key check means, said in the fleet's terms. OpenSSH reports a changed key
// with a banner of '@' lines on stderr; a user needs the node, the key it presents and the key
// that is pinned. Pure: transport/ssh.ts passes ssh's stderr in.
import * as crypto from "node:crypto";
import { HostTrust, knownHostsAddress, NodeConnection } from "./nodeConnection";

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
export function hostKeyMismatchMessage(connection: Pick<NodeConnection, "name" | "hostKey" | "hostCertificateAuthority" | "fleetFile" | "host" | "port" | "bastion">, stderr: string): string | undefined {
    if (!VERIFICATION_FAILED.test(stderr)) {
        return undefined;
    }
    const where = connection.fleetFile === undefined ? "its connection pins" : `the fleet file (${connection.fleetFile}) pins`;
    const bastion = connection.bastion;
    // behind a bastion, ssh names the host whose check failed: the bastion's address, or the node's
    const failedFor = FAILED_FOR.exec(stderr);
    if (bastion !== undefined && failedFor !== null && (failedFor[1] ?? failedFor[2]) === knownHostsAddress(bastion)) {
        return `node ${connection.name}: its bastion ${bastion.user}@${bastion.host}:${bastion.port} ${mismatch(bastion, stderr, `${where} for the bastion`)}; nothing was run on the node`;
    }
    return `node ${connection.name} (${connection.host}:${connection.port}) ${mismatch(connection, stderr, where)}`;
}

// "No ED25519 host key is known for [h]:p and ..." / "Host key for [h]:p has changed and ..."
const FAILED_FOR = /host key is known for (\S+) and|Host key for (\S+) has changed/;

function mismatch(host: HostTrust, stderr: string, where: string): string {
    if (host.hostCertificateAuthority !== undefined) {
        const ca = `${host.hostCertificateAuthority.trim().split(/\s+/)[0]} ${hostKeyFingerprint(host.hostCertificateAuthority)}`;
        return `presents no host certificate signed by the CA ${where} (${ca}) for this address: check that its host certificate is signed by that CA and names the host as a principal`;
    }
    const hostKey = host.hostKey ?? "";
    const pinned = `${hostKey.trim().split(/\s+/)[0]} ${hostKeyFingerprint(hostKey)}`;
    const presented = PRESENTED.exec(stderr);
    if (presented !== null) {
        return `presents host key ${presented[1]} ${presented[2]} but ${where} ${pinned}: update hostKey if it was re-imaged; otherwise something else answers at that address`;
    }
    return `does not present the host key ${where} (${pinned}): update hostKey if it was re-imaged; otherwise something else answers at that address`;
}
