// The toolkit's signed source against the lab mirror's tampered variants, and on the brownfield
// node that NVIDIA's install guide left behind. Real engine, real apt on the nodes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueStackName } from "../support/engine";
import { fleetCli, labDir, onNode, onNodeOk, requireLab, resetNode, writeLabFleet } from "../support/lab";

const node = "gnh-node-1";
const brownfield = "gnh-brownfield-1";
const stack = uniqueStackName("e2e-toolkit");
const pulumi = fleetCli(stack);
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-toolkit-"));
let genuineFingerprint = "";

/** A fleet file with one node and the given mirror: what a user writes for their own mirror. */
function fleetWith(nodeName: string, mirror: Record<string, string>): string {
    const file = path.join(workDir, `fleet-${Object.values(mirror).join("-").replace(/[^a-z0-9]+/gi, "-")}.yaml`);
    return writeLabFleet(file, { nodes: [nodeName], mirror });
}

const aptState = (name: string) => onNodeOk(name, "ls -la /etc/apt/sources.list.d/ /usr/share/keyrings/; cat /etc/apt/sources.list.d/* 2>/dev/null; sha256sum /usr/share/keyrings/* 2>/dev/null");

function upWith(file: string) {
    pulumi("config", "set", "fleetFile", file);
    return pulumi("up", "--yes", "--skip-preview");
}

beforeAll(() => {
    requireLab();
    genuineFingerprint = fs.readFileSync(path.join(labDir, "mirror", "fingerprint"), "utf8").trim();
    resetNode(node);
    resetNode(brownfield);
    expect(pulumi("stack", "init").status).toBe(0);
});

afterAll(() => {
    pulumi("destroy", "--yes");
    pulumi("stack", "rm", "--yes", "--force");
    fs.rmSync(workDir, { recursive: true, force: true });
    resetNode(node);
    resetNode(brownfield);
});

describe("the toolkit's signed source refuses what it must, and changes nothing when it does", () => {
    it("refuses a mirror whose key does not have the pinned fingerprint", () => {
        const before = aptState(node);
        const foreign = fs.readFileSync(path.join(labDir, "mirror", "foreign-fingerprint"), "utf8").trim();
        const up = upWith(fleetWith(node, { url: "http://gnh-mirror/good", fingerprint: foreign }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain(`node ${node}: nothing was changed in the node's apt sources: the key at http://gnh-mirror/good/gpgkey has no primary key with fingerprint ${foreign} (it has: ${genuineFingerprint})`);
        expect(aptState(node)).toBe(before);
    });

    it("refuses a repository whose InRelease is signed by a foreign key", () => {
        const before = aptState(node);
        const up = upWith(fleetWith(node, { url: "http://gnh-mirror/foreign-signed", fingerprint: genuineFingerprint }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toContain(`node ${node}: nothing was changed in the node's apt sources: apt-get update --error-on=any rejected http://gnh-mirror/foreign-signed/stable/deb/amd64`);
        expect(aptState(node)).toBe(before);
    });

    it("refuses a .deb changed after signing", () => {
        const before = aptState(node);
        const up = upWith(fleetWith(node, { url: "http://gnh-mirror/tampered-deb", fingerprint: genuineFingerprint }));
        expect(up.status).not.toBe(0);
        expect(up.stdout + up.stderr).toMatch(new RegExp(`node ${node}: nothing was changed in the node's apt sources: the pinned packages could not be fetched and verified from http://gnh-mirror/tampered-deb/stable/deb/amd64:\\s+E: .*(Hash Sum mismatch|unexpected size)`));
        expect(aptState(node)).toBe(before);
        expect(onNode(node, "command -v nvidia-ctk").status).not.toBe(0);
    });

    it("trusts only the pinned primary key when a foreign key is appended to the key file", () => {
        const up = upWith(fleetWith(node, { url: "http://gnh-mirror/good", fingerprint: genuineFingerprint, keyUrl: "http://gnh-mirror/good/gpgkey-with-foreign" }));
        expect(up.status, up.stdout + up.stderr).toBe(0);
        const primaries = onNodeOk(node, "gpg --batch --with-colons --show-keys /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg | awk -F: '$1==\"pub\"{p=1;next} $1==\"fpr\"&&p{print $10;p=0}'");
        expect(primaries.trim().split("\n")).toEqual([genuineFingerprint]);
        expect(onNode(node, "apt-get update --error-on=any -qq").status).toBe(0);
    });
});

describe(`a brownfield node (${brownfield}, set up by NVIDIA's install guide)`, () => {
    it("is adopted: one source entry, apt still verifies, the user's daemon keys survive", () => {
        const userDaemon = JSON.parse(onNodeOk(brownfield, "cat /etc/docker/daemon.json"));
        const up = upWith(fleetWith(brownfield, { url: "http://gnh-mirror/good", fingerprint: genuineFingerprint }));
        expect(up.status, up.stdout + up.stderr).toBe(0);
        expect(onNode(brownfield, "apt-get update --error-on=any -qq").status).toBe(0);
        const entries = onNodeOk(brownfield, "grep -rhF 'http://gnh-mirror/good' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true").trim().split("\n").filter(Boolean);
        expect(entries).toEqual(["deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] http://gnh-mirror/good/stable/deb/amd64 /"]);
        const daemon = JSON.parse(onNodeOk(brownfield, "cat /etc/docker/daemon.json"));
        for (const key of Object.keys(userDaemon).filter((k) => k !== "runtimes" && k !== "log-opts")) {
            expect(daemon[key], key).toEqual(userDaemon[key]);
        }
        if (userDaemon["log-opts"]) {
            expect(daemon["log-opts"]).toEqual(userDaemon["log-opts"]);
        }
        expect(daemon.runtimes.nvidia.path).toBe("/usr/bin/nvidia-container-runtime");
        expect(daemon.icc).toBe(false);
    });
});
