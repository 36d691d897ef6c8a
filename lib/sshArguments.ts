// The OpenSSH client's command line for one node, and the files it reads: our own known_hosts
// (the node's key or @cert-authority line, and the bastion's), the keys and certificates. Pure:
// transport/ssh.ts writes the files into its private session directory and runs ssh.
//
// A bastion is reached with ProxyCommand "ssh ... -W %h:%p bastion" rather than ProxyJump: the
// ssh that ProxyJump starts for the jump host reads the config file but not our -o options, so
// it would check the bastion against ~/.ssh/known_hosts, not against the key the fleet pins.
import * as path from "node:path";
import { knownHostsLines, NodeConnection } from "./nodeConnection";
import { shellQuote } from "./shellQuote";

export interface SshClientSetup {
    /** File name (inside the session directory) -> content; each written 0600. */
    readonly files: Readonly<Record<string, string>>;
    /** ssh's options and destination, without the command. */
    readonly args: readonly string[];
}

const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

/** Options both hops share: no user config, no agent, no prompts, only our known_hosts. */
function strictOptions(knownHosts: string, keyFile: string, certificateFile: string | undefined): string[] {
    return [
        "-F", "/dev/null", // the user's ~/.ssh/config must not change what we verify
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", `UserKnownHostsFile=${knownHosts}`,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "IdentitiesOnly=yes",
        "-o", `IdentityFile=${keyFile}`,
        ...(certificateFile !== undefined ? ["-o", `CertificateFile=${certificateFile}`] : []),
        "-o", "IdentityAgent=none",
        "-o", "ConnectTimeout=10",
        "-o", "ConnectionAttempts=1",
        "-o", "LogLevel=ERROR",
    ];
}

/**
 * "ProxyCommand=ssh ... -W %h:%p BASTION": the jump hop, as strict as the node's (same known_hosts
 * file). ssh runs ProxyCommand through /bin/sh and expands %-tokens: each word is quoted and each
 * literal % doubled.
 */
export function proxyCommandOption(bastion: { readonly host: string; readonly port: number; readonly user: string }, knownHosts: string, keyFile: string, certificateFile: string | undefined): string {
    const jump = [
        "ssh",
        ...strictOptions(knownHosts, keyFile, certificateFile),
        "-p", String(bastion.port),
        "-l", bastion.user,
        "-W", "%h:%p",
        bastion.host,
    ];
    return `ProxyCommand=${jump.map((word) => (word === "%h:%p" ? word : shellQuote(word.replace(/%/g, "%%")))).join(" ")}`;
}

export function sshClientSetup(dir: string, connection: NodeConnection): SshClientSetup {
    const file = (name: string) => path.join(dir, name);
    const files: Record<string, string> = {
        id: withNewline(connection.privateKey),
        known_hosts: `${knownHostsLines(connection).join("\n")}\n`,
    };
    if (connection.certificate !== undefined) {
        files["id-cert.pub"] = withNewline(connection.certificate);
    }
    const proxy: string[] = [];
    const bastion = connection.bastion;
    if (bastion !== undefined) {
        files.bastion = withNewline(bastion.privateKey);
        if (bastion.certificate !== undefined) {
            files["bastion-cert.pub"] = withNewline(bastion.certificate);
        }
        proxy.push("-o", proxyCommandOption(bastion, file("known_hosts"), file("bastion"), bastion.certificate !== undefined ? file("bastion-cert.pub") : undefined));
    }
    const args = [
        ...strictOptions(file("known_hosts"), file("id"), connection.certificate !== undefined ? file("id-cert.pub") : undefined),
        ...proxy,
        "-o", "ServerAliveInterval=10",
        "-o", "ServerAliveCountMax=3",
        "-o", `ControlPath=${file("cm")}`,
        "-p", String(connection.port),
        "-l", connection.user,
        connection.host,
    ];
    return { files, args };
}
