import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hostKeyFingerprint, hostKeyMismatchMessage } from "../../lib/sshHostKey";

const PINNED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

// What OpenSSH prints (LogLevel=ERROR) when a node presents another key than known_hosts pins.
const BANNER = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:3cVd0t1r0a3Qm6xXb6m3m6y2k8n0uYt1q9Rr2a0pVjE.
Please contact your system administrator.
Add correct host key in /tmp/gnh-ssh-1234-abc/known_hosts to get rid of this message.
Offending ED25519 key in /tmp/gnh-ssh-1234-abc/known_hosts:1
Host key for [127.0.0.1]:22201 has changed and you have requested strict checking.
Host key verification failed.
`;

const connection = { name: "gnh-node-4", host: "127.0.0.1", port: 22204, hostKey: PINNED, fleetFile: "/srv/fleet.yaml" };

describe("host-key mismatch messages", () => {
    it.skipIf(spawnSync("ssh-keygen", ["-?"]).error !== undefined)("computes the fingerprint OpenSSH prints", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-hostkey-"));
        try {
            spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
            const pub = fs.readFileSync(path.join(dir, "k.pub"), "utf8");
            const printed = spawnSync("ssh-keygen", ["-l", "-E", "sha256", "-f", path.join(dir, "k.pub")], { encoding: "utf8" }).stdout.split(" ")[1];
            expect(hostKeyFingerprint(pub)).toBe(printed);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the node, the presented key and the pinned key, never the '@' banner or our temp files", () => {
        const message = hostKeyMismatchMessage(connection, BANNER)!;
        expect(message).toBe(
            `node gnh-node-4 (127.0.0.1:22204) presents host key ED25519 SHA256:3cVd0t1r0a3Qm6xXb6m3m6y2k8n0uYt1q9Rr2a0pVjE ` +
            `but the fleet file (/srv/fleet.yaml) pins ssh-ed25519 ${hostKeyFingerprint(PINNED)}: update hostKey if it was re-imaged; otherwise something else answers at that address`,
        );
        expect(message).not.toMatch(/@@|gnh-ssh-/);
    });

    it("says what is pinned when ssh names no presented key", () => {
        const message = hostKeyMismatchMessage({ ...connection, fleetFile: undefined }, "No ED25519 host key is known for [127.0.0.1]:22204 and you have requested strict checking.\nHost key verification failed.\n");
        expect(message).toMatch(/^node gnh-node-4 \(127\.0\.0\.1:22204\) does not present the host key its connection pins \(ssh-ed25519 SHA256:/);
    });

    it("leaves other SSH failures alone", () => {
        expect(hostKeyMismatchMessage(connection, "ssh: connect to host 127.0.0.1 port 22204: Connection refused\n")).toBeUndefined();
    });
});
