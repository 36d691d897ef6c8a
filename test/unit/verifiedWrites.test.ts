// Verified writes (issue #19): every file we send carries the sha256 of what was sent, checked on
// the receiving side before anything is replaced. Run here with sh, as the node runs it: a transfer
// cut short leaves the old file, no temporary file, and a message that says what happened.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { remoteScript } from "../../lib/remoteScripts";
import { sha256Hex } from "../../lib/sha256";

const FILE_WRITE = remoteScript("file-write", {}, ["install-file", "receive-verified"]);
const owner = () => {
    const uid = process.getuid?.() ?? 0;
    const user = spawnSync("id", ["-un"], { encoding: "utf8" }).stdout.trim();
    const group = spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();
    return uid === 0 ? ["root", "root"] : [user, group];
};

function write(target: string, sent: string, received: string) {
    return spawnSync("sh", ["-c", FILE_WRITE, "sh", target, ...owner(), "0644", sha256Hex(sent)], { input: received, encoding: "utf8" });
}

describe("a file sent to a node", () => {
    it("replaces the file when what arrived is what was sent", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-verified-"));
        const target = path.join(dir, "daemon.json");
        fs.writeFileSync(target, "old\n");
        const content = '{\n  "icc": false\n}\n';
        const result = write(target, content, content);
        expect(result.status, result.stderr).toBe(0);
        expect(fs.readFileSync(target, "utf8")).toBe(content);
        expect(fs.readdirSync(dir)).toEqual(["daemon.json"]);
    });

    it("keeps the old file when the transfer was cut short, and says so", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-verified-"));
        const target = path.join(dir, "daemon.json");
        fs.writeFileSync(target, "old\n");
        const content = '{\n  "icc": false,\n  "live-restore": true\n}\n';
        const result = write(target, content, content.slice(0, 12));
        expect(result.status).toBe(21);
        expect(result.stderr).toContain(`received 12 bytes with sha256 ${sha256Hex(content.slice(0, 12))}, not the ${sha256Hex(content)} that was sent: the transfer was cut short or changed; nothing was replaced`);
        expect(fs.readFileSync(target, "utf8")).toBe("old\n");
        expect(fs.readdirSync(dir)).toEqual(["daemon.json"]);
    });
});

describe("daemon.json written by the provider's script", () => {
    const setUp = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-daemon-write-"));
        const constants = { DAEMON_JSON: path.join(dir, "daemon.json"), ORIGINAL: path.join(dir, ".gnh", "daemon.original.json"), ORIGINAL_ABSENT: path.join(dir, ".gnh", "daemon.original.absent"), STATE_DIR: path.join(dir, ".gnh") };
        return { dir, constants, script: remoteScript("daemon-write", constants, ["receive-verified"]) };
    };
    const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

    it.runIf(process.getuid?.() === 0)("keeps a stricter mode (600 stays 600), and tightens a wider one to 644", () => {
        for (const [before, after] of [["600", "600"], ["664", "644"], ["640", "640"]]) {
            const { constants, script } = setUp();
            fs.writeFileSync(constants.DAEMON_JSON, "{}\n", { mode: parseInt(before, 8) });
            fs.chmodSync(constants.DAEMON_JSON, parseInt(before, 8));
            const text = '{\n  "icc": false\n}\n';
            const result = spawnSync("sh", ["-c", script, "sh", "backup", sha256Hex(text)], { input: text, encoding: "utf8" });
            expect(result.status, result.stderr).toBe(0);
            expect(modeOf(constants.DAEMON_JSON)).toBe(after);
            expect(fs.readFileSync(constants.DAEMON_JSON, "utf8")).toBe(text);
        }
    });
});
