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
    it("is the fleet file's as it is now: host, port, user, host key and key file", async () => {
        const file = fleetFile("now.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, port: 22204, user: root, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        expect(await currentConnection(recorded(file))).toEqual({
            name: "gpu-a", host: "127.0.0.1", port: 22204, user: "root", hostKey: NEW_KEY,
            privateKey: fs.readFileSync(keyFile, "utf8"), fleetFile: file,
        });
    });

    it("is the recorded one without a fleet file, when the file is gone, or when it no longer names the node", async () => {
        expect(await currentConnection(recorded(undefined))).toEqual(recorded(undefined));
        expect(await currentConnection(recorded(path.join(dir, "gone.yaml")))).toEqual(recorded(path.join(dir, "gone.yaml")));
        const other = fleetFile("other.yaml", `nodes:\n  - { name: gpu-b, host: 127.0.0.1, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        expect(await currentConnection(recorded(other))).toEqual(recorded(other));
    });

    it("fails naming the node, file and line when the fleet file is broken, rather than using a stale connection", async () => {
        const broken = fleetFile("broken.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, prot: 22, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        await expect(currentConnection(recorded(broken))).rejects.toThrow(FleetConnectionError);
        await expect(currentConnection(recorded(broken))).rejects.toThrow(new RegExp(`^node gpu-a: .*${broken}:2:\\d+: .*unknown key "prot"`));
    });

    it("names the key file's path, never its content, when it cannot be read", async () => {
        const missingKey = fleetFile("nokey.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, privateKeyPath: ${dir}/absent, hostKey: "${NEW_KEY}" }\n`);
        await expect(currentConnection(recorded(missingKey))).rejects.toThrow(`node gpu-a: ${missingKey}: privateKeyPath ${dir}/absent cannot be read (ENOENT)`);
    });
});

describe("reading the fleet file for every resource of a refresh", () => {
    it("parses a file once per version of it, and sees an edit", async () => {
        const file = fleetFile("edited.yaml", `nodes:\n  - { name: gpu-a, host: 127.0.0.1, port: 22204, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n`);
        const first = await currentConnection(recorded(file));
        expect((await currentConnection(recorded(file))).port).toBe(first.port);
        fs.writeFileSync(file, `nodes:\n  - { name: gpu-a, host: 127.0.0.1, port: 22205, privateKeyPath: ${keyFile}, hostKey: "${NEW_KEY}" }\n# a longer file\n`);
        expect((await currentConnection(recorded(file))).port).toBe(22205);
    });
});
