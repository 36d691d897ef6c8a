// Reaching nodes the way real fleets do (issue #20): host certificates from a pinned CA, user
// certificates, a bastion checked as strictly as the node, sudo for a user other than root.
import { describe, expect, it } from "vitest";
import { parseFleet } from "../../lib/fleet";
import { connectionProblems, knownHostsLines, NodeConnection } from "../../lib/nodeConnection";
import { sshClientSetup } from "../../lib/sshArguments";
import { hostKeyMismatchMessage } from "../../lib/sshHostKey";
import { sudoRefusal } from "../../transport/ssh";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIElqSqBjd/N+xfLCtLHUvC4rnYWdjcjHIeSkGKaTbRXD";
const CA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPYlcriln/ODHNrSR2DVOZnoJqBQOj692E19q9Sxo07b";
const BASTION_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5Air0tTyZn1icHC4ZMDgnAaEk+Ij0wFo5A5yo5+Dbt";
const PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n";
const CERT = "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29t user-cert";

const behindBastion: NodeConnection = {
    name: "gpu-07", host: "gpu-07.cluster.internal", port: 22, user: "ops", hostCertificateAuthority: CA, privateKey: PRIVATE, certificate: CERT,
    bastion: { host: "127.0.0.1", port: 22290, user: "jump", hostKey: BASTION_KEY, privateKey: PRIVATE },
};

describe("our known_hosts", () => {
    it("pins the node's CA as @cert-authority and the bastion's key, one line each", () => {
        expect(knownHostsLines(behindBastion)).toEqual([`@cert-authority gpu-07.cluster.internal ${CA}`, `[127.0.0.1]:22290 ${BASTION_KEY}`]);
    });

    it("refuses a connection with both a key and a CA, or neither, for the node and for the bastion", () => {
        expect(connectionProblems({ ...behindBastion, hostKey: KEY })).toEqual(["node gpu-07: give \"hostKey\" or \"hostCertificateAuthority\", not both: a host is trusted one way"]);
        expect(connectionProblems({ ...behindBastion, bastion: { ...behindBastion.bastion!, hostKey: undefined } })[0]).toMatch(/^node gpu-07: bastion: "hostKey" .* or "hostCertificateAuthority" .* is required/);
        expect(connectionProblems({ ...behindBastion, certificate: "not a certificate" })[0]).toMatch(/"certificate" is not an OpenSSH user certificate/);
        expect(connectionProblems(behindBastion)).toEqual([]);
    });
});

describe("the ssh command line", () => {
    it("reaches a bastion's node through ProxyCommand with the same strict checks, our files only", () => {
        const setup = sshClientSetup("/tmp/gnh-ssh-1-x", behindBastion);
        expect(Object.keys(setup.files).sort()).toEqual(["bastion", "id", "id-cert.pub", "known_hosts"]);
        const proxy = setup.args[setup.args.indexOf("-o", setup.args.findIndex((a) => a.startsWith("ProxyCommand=")) - 1) + 1];
        expect(proxy).toBe("ProxyCommand='ssh' '-F' '/dev/null' '-o' 'BatchMode=yes' '-o' 'StrictHostKeyChecking=yes' '-o' 'UserKnownHostsFile=/tmp/gnh-ssh-1-x/known_hosts' '-o' 'GlobalKnownHostsFile=/dev/null' '-o' 'IdentitiesOnly=yes' '-o' 'IdentityFile=/tmp/gnh-ssh-1-x/bastion' '-o' 'IdentityAgent=none' '-o' 'ConnectTimeout=10' '-o' 'ConnectionAttempts=1' '-o' 'LogLevel=ERROR' '-p' '22290' '-l' 'jump' '-W' %h:%p '127.0.0.1'");
        expect(setup.args).toContain("CertificateFile=/tmp/gnh-ssh-1-x/id-cert.pub");
        expect(setup.args.slice(-5)).toEqual(["-p", "22", "-l", "ops", "gpu-07.cluster.internal"]);
    });
});

describe("host verification failures", () => {
    it("say which hop failed: the bastion's key, or the node's CA", () => {
        const bastionFailed = "No ED25519 host key is known for [127.0.0.1]:22290 and you have requested strict checking.\nHost key verification failed.\n";
        expect(hostKeyMismatchMessage(behindBastion, bastionFailed)).toMatch(/^node gpu-07: its bastion jump@127\.0\.0\.1:22290 does not present the host key its connection pins for the bastion \(ssh-ed25519 SHA256:[^)]+\): update hostKey .*; nothing was run on the node$/);
        const nodeFailed = "No ED25519 host key is known for gpu-07.cluster.internal and you have requested strict checking.\nHost key verification failed.\n";
        expect(hostKeyMismatchMessage(behindBastion, nodeFailed)).toMatch(/^node gpu-07 \(gpu-07\.cluster\.internal:22\) presents no host certificate signed by the CA its connection pins \(ssh-ed25519 SHA256:[^)]+\) for this address/);
    });
});

describe("sudo", () => {
    it("names sudo's own refusal, and a node without sudo; root never goes through sudo", () => {
        expect(sudoRefusal("ops", 1, "sudo: a password is required\n")).toBe("user ops cannot run commands as root with sudo -n (sudo: a password is required): give ops passwordless sudo (NOPASSWD), or connect as root; nothing was run on the node");
        expect(sudoRefusal("ops", 127, "sh: 1: sudo: not found\n")).toMatch(/the node has no sudo/);
        expect(sudoRefusal("ops", 1, "cat: /x: No such file\n")).toBeUndefined();
        expect(sudoRefusal("root", 1, "sudo: a password is required\n")).toBeUndefined();
    });
});

describe("the fleet file", () => {
    const fleet = (nodes: string, defaults = "") => parseFleet(`defaults:\n  privateKeyPath: /k\n${defaults}nodes:\n${nodes}`, "/srv/fleet.yaml");

    it("takes a CA, a user certificate and a bastion from the defaults, and a node's own hostKey over the CA", () => {
        const parsed = fleet(
            `  - {name: a, host: a.internal}\n  - {name: b, host: b.internal, hostKey: "${KEY}", user: ops}\n`,
            `  hostCertificateAuthority: "${CA}"\n  certificatePath: /k-cert.pub\n  bastion: {host: 127.0.0.1, port: 22290, user: jump, privateKeyPath: /jump, hostKey: "${BASTION_KEY}"}\n`,
        );
        expect(parsed.nodes[0]).toMatchObject({ hostCertificateAuthority: CA, certificatePath: "/k-cert.pub", bastion: { host: "127.0.0.1", port: 22290, user: "jump", privateKeyPath: "/jump", hostKey: BASTION_KEY } });
        expect(parsed.nodes[0].hostKey).toBeUndefined();
        expect(parsed.nodes[1]).toMatchObject({ hostKey: KEY, user: "ops" });
        expect(parsed.nodes[1].hostCertificateAuthority).toBeUndefined();
    });

    it("refuses a node with neither key nor CA, with both, and a bastion without a pinned key, each with file:line", () => {
        expect(() => fleet("  - {name: a, host: a.internal}\n")).toThrow(/^\/srv\/fleet\.yaml:4:5: node a: "hostKey" \(its public host key\) or "hostCertificateAuthority" \(on the node or in defaults\) is required/);
        expect(() => fleet(`  - {name: a, host: a.internal, hostKey: "${KEY}", hostCertificateAuthority: "${CA}"}\n`)).toThrow(/fleet\.yaml:4:\d+: node a: give "hostKey" or "hostCertificateAuthority", not both/);
        expect(() => fleet(`  - {name: a, host: a.internal, hostKey: "${KEY}", bastion: {host: 127.0.0.1}}\n`)).toThrow(/fleet\.yaml:4:\d+: node a: bastion: exactly one of "hostKey" and "hostCertificateAuthority" is required/);
    });

    it("counts one host name behind two bastions as two machines, and twice behind one as a duplicate", () => {
        const jump = (port: number) => `bastion: {host: 127.0.0.1, port: ${port}, hostKey: "${BASTION_KEY}"}`;
        expect(() => fleet(`  - {name: a, host: n1, hostKey: "${KEY}", ${jump(1)}}\n  - {name: b, host: n1, hostKey: "${CA}", ${jump(2)}}\n`)).not.toThrow();
        expect(() => fleet(`  - {name: a, host: n1, hostKey: "${KEY}", ${jump(1)}}\n  - {name: b, host: n1, hostKey: "${CA}", ${jump(1)}}\n`)).toThrow(/127\.0\.0\.1:1 -> n1:22 is node a's address too/);
    });
});
