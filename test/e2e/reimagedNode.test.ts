// The fleet file's connection always wins (docs/drift.md): a node that is re-imaged with a new
// host key, once the fleet file pins the new key, is refreshed, previewed and repaired through the
// updated file, although the stack still remembers the old key. While the fleet file still pins
// the old key, the error says what happened instead of quoting OpenSSH's '@' banner.
// One lab node of its own for the duration (gnh-node-4), reset with a new host key, reset after.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hostKeyFingerprint } from "../../lib/sshHostKey";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetCli, fleetFile as labFleetFile, nodeStackWithOwnFleet, releaseNodeStack, writeLabFleet } from "../support/lab";
import { runScript, transcript } from "../support/run";

const node = "gnh-node-4";
const stack = uniqueStackName("e2e-reimaged");
const pulumi = fleetCli(stack);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-reimaged-"));
const fleet = path.join(workDir, "fleet.yaml");

const labHostKey = (): string =>
    (parse(fs.readFileSync(labFleetFile, "utf8")) as { nodes: { name: string; hostKey: string }[] }).nodes.find((n) => n.name === node)!.hostKey;

beforeAll(() => {
    nodeStackWithOwnFleet(pulumi, node, workDir);
});

afterAll(() => {
    releaseNodeStack(pulumi, node, workDir);
});

describe(`a re-imaged node (${node}) and the fleet file`, () => {
    let oldKey = "";
    let newKey = "";

    it("is hardened from the fleet file, then re-imaged with a new host key", () => {
        const up = pulumi("up", "--yes", "--skip-preview");
        expect(up.status, transcript(up)).toBe(0);
        oldKey = labHostKey();
        const reset = runScript(`bash lab/lab.sh reset ${node} --new-host-key`, { cwd: projectRoot });
        expect(reset.code, reset.stderr).toBe(0);
        newKey = labHostKey();
        expect(newKey).not.toBe(oldKey);
    });

    it("while the fleet file still pins the old key, refresh names the node and both keys, not OpenSSH's banner", () => {
        const preview = pulumi("preview", "--refresh");
        expect(preview.status).not.toBe(0);
        expect(transcript(preview)).toContain(
            `node ${node} (127.0.0.1:22204) presents host key ED25519 ${hostKeyFingerprint(newKey)} but the fleet file (${fleet}) pins ssh-ed25519 ${hostKeyFingerprint(oldKey)}: update hostKey if it was re-imaged`,
        );
        expect(transcript(preview)).not.toContain("@@@@");
    });

    it("once the fleet file pins the new key, refresh and preview reach the node and show what re-imaging undid", () => {
        writeLabFleet(fleet, { nodes: [node] });
        const preview = pulumi("preview", "--refresh", "--expect-no-changes", "--diff");
        expect(preview.status).not.toBe(0); // the re-imaged node lost its hardening: that is drift
        expect(transcript(preview)).not.toMatch(/host key|cannot reach/i);
        expect(transcript(preview)).toMatch(/gnh:host:DockerDaemonConfig/);
    });

    it("up --refresh repairs the node through the updated fleet file, and a second preview is clean", () => {
        const up = pulumi("up", "--yes", "--skip-preview", "--refresh");
        expect(up.status, transcript(up)).toBe(0);
        const quiet = pulumi("preview", "--refresh", "--expect-no-changes");
        expect(quiet.status, transcript(quiet)).toBe(0);
    });
});
