// A mistake in what the user gave the fleet program (fleet file, key path, advisory data) is
// reported by `pulumi preview` as our message alone: no JavaScript stack trace, no "unhandled
// exception". Needs the real engine, not the lab (nothing is reached over SSH).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueStackName } from "../support/engine";
import { fleetCli } from "../support/lab";
import { transcript } from "../support/run";

const stack = uniqueStackName("e2e-user-errors");
const pulumi = fleetCli(stack);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-user-errors-"));
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

function previewWith(fleet: string, extraConfig: Record<string, string> = {}): string {
    const file = path.join(dir, "fleet.yaml");
    fs.writeFileSync(file, fleet);
    pulumi("config", "set", "fleetFile", file);
    for (const [key, value] of Object.entries(extraConfig)) {
        pulumi("config", "set", key, value);
    }
    const run = pulumi("preview");
    for (const key of Object.keys(extraConfig)) {
        pulumi("config", "rm", key);
    }
    expect(run.status).not.toBe(0);
    const text = transcript(run);
    expect(text).not.toMatch(/unhandled exception|^\s+at \S+ \(/m);
    return text;
}

beforeAll(() => {
    expect(pulumi("stack", "init").status).toBe(0);
});

afterAll(() => {
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(dir, { recursive: true, force: true });
});

describe("user errors in preview", () => {
    it("a fleet file key: file, line, column and the key", () => {
        const text = previewWith(`nodes:\n  - { name: a, host: 127.0.0.1, prot: 22, privateKeyPath: ${dir}/id, hostKey: "${HOST_KEY}" }\n`);
        expect(text).toContain(`error: ${dir}/fleet.yaml:2:33: nodes[0]: unknown key "prot" (did you mean "port"?)`);
    });

    it("a key file that cannot be read: the node, the file and the path, nothing of the key", () => {
        const text = previewWith(`nodes:\n  - { name: a, host: 127.0.0.1, port: 22, privateKeyPath: ${dir}/absent, hostKey: "${HOST_KEY}" }\n`);
        expect(text).toContain(`error: node a: ${dir}/fleet.yaml: privateKeyPath ${dir}/absent cannot be read (ENOENT)`);
    });

    it("advisory data that cannot be used: the file", () => {
        fs.writeFileSync(path.join(dir, "id"), "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n", { mode: 0o600 });
        fs.writeFileSync(path.join(dir, "advisories.json"), "{ not json");
        const text = previewWith(`nodes:\n  - { name: a, host: 127.0.0.1, port: 22, privateKeyPath: ${dir}/id, hostKey: "${HOST_KEY}" }\n`, { advisoriesFile: path.join(dir, "advisories.json") });
        expect(text).toContain(`error: advisory data ${dir}/advisories.json is not JSON`);
    });
});
