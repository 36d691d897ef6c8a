import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { currentConnection, FleetConnectionError } from "../../provider/currentConnection";
import { NodeConnection } from "../../lib/nodeConnection";

const OLD_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const NEW_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHgLS6nbcRXK4TIsqFa5F25o4hUp0JItEr9VvR1Bm2Lt";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-current-connection-"));
const keyFile = path.join(dir, "id");
fs.writeFileSync(keyFile, "-----BEGIN OPENSSH PRIVATE KEY-----\nnew\n-----END OPENSSH PRIVATE KEY-----\n", { mode: 0o600 });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fleetFile(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

const recorded = (fleet: string | undefined): NodeConnection => ({
    name: "gpu-a", host: "gpu-a.example.internal", port: 22, user: "admin", hostKey: OLD_KEY,
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nold\n-----END OPENSSH PRIVATE KEY-----\n",
    ...(fleet === undefined ? {} : { fleetFile: fleet }),
});

describe("the connection of a refresh or a delete", () => {
    it("is the fleet file's as it is now: host, port, user, host key and key file", () => {
        const file = fleetFile("now.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, port: 22204, user: root, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        expect(currentConnection(recorded(file))).toEqual({
            name: "gpu-a", host: "127.0.0.1", port: 22204, user: "root", hostKey: NEW_KEY,
            privateKey: fs.readFileSync(keyFile, "utf8"), fleetFile: file,
        });
    });

    it("is the recorded one without a fleet file, when the file is gone, or when it no longer names the node", () => {
        expect(currentConnection(recorded(undefined))).toEqual(recorded(undefined));
        expect(currentConnection(recorded(path.join(dir, "gone.yaml")))).toEqual(recorded(path.join(dir, "gone.yaml")));
        const other = fleetFile("other.yaml", `nodes:\n  - { name: gpu-b, host: 127.0.0.1, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        expect(currentConnection(recorded(other))).toEqual(recorded(other));
    });

    it("fails naming the node, file and line when the fleet file is broken, rather than using a stale connection", () => {
        const broken = fleetFile("broken.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, prot: 22, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        expect(() => currentConnection(recorded(broken))).toThrow(FleetConnectionError);
        expect(() => currentConnection(recorded(broken))).toThrow(new RegExp(`^node gpu-a: .*${broken}:2:\\d+: .*unknown key "prot"`));
    });

    it("names the key file's path, never its content, when it cannot be read", () => {
        const missingKey = fleetFile("nokey.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, privateKeyPath: ${dir}/absent, hostKey: "${NEW_KEY}" }\n`);
        expect(() => currentConnection(recorded(missingKey))).toThrow(`node gpu-a: ${missingKey}: privateKeyPath ${dir}/absent cannot be read (ENOENT)`);
    });
});
