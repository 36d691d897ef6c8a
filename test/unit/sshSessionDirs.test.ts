// Session directories hold a copy of the private key: those of dead processes are removed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { removeOrphanedSessionDirs } from "../../transport/ssh";

describe("SSH session directories", () => {
    it("removes the directories of processes that are gone and keeps live ones", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-sweep-"));
        const deadPid = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
        const dead = path.join(tmp, `gnh-ssh-${deadPid}-abc123`);
        const live = path.join(tmp, `gnh-ssh-${process.pid}-def456`);
        const other = path.join(tmp, "gnh-ssh-legacyXY");
        for (const dir of [dead, live, other]) {
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "id"), "key", { mode: 0o600 });
        }
        expect(removeOrphanedSessionDirs(tmp)).toBe(1);
        expect(fs.existsSync(dead)).toBe(false);
        expect(fs.existsSync(live)).toBe(true);
        expect(fs.existsSync(other)).toBe(true);
        fs.rmSync(tmp, { recursive: true, force: true });
    });
});

describe("the sweep of other users' entries", () => {
    it("leaves a dead process's directory alone when another user owns it, and a tmp it cannot read is no error", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-sweep-"));
        const deadPid = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
        const theirs = path.join(tmp, `gnh-ssh-${deadPid}-other1`);
        fs.mkdirSync(theirs);
        const uid = process.getuid?.() ?? 0;
        fs.chownSync(theirs, uid === 0 ? 65534 : uid, uid === 0 ? 65534 : process.getgid?.() ?? 0);
        expect(removeOrphanedSessionDirs(tmp)).toBe(uid === 0 ? 0 : 1);
        expect(fs.existsSync(theirs)).toBe(uid === 0);
        expect(removeOrphanedSessionDirs(path.join(tmp, "absent"))).toBe(0);
        fs.rmSync(tmp, { recursive: true, force: true });
    });
});

describe("the SSH transport module", () => {
    it("changes nothing about the process when imported; the entry points install the cleanup", () => {
        const script = [
            "const counts = () => ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP'].map((e) => process.listenerCount(e)).join(',');",
            "const before = counts();",
            "const ssh = require('./transport/ssh');",
            "const imported = counts();",
            "ssh.installSessionCleanup(); ssh.installSessionCleanup();",
            "console.log(JSON.stringify({ before, imported, installed: counts() }));",
        ].join("\n");
        const root = path.resolve(__dirname, "..", "..");
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: root, encoding: "utf8" });
        expect(result.status, result.stderr).toBe(0);
        const { before, imported, installed } = JSON.parse(result.stdout) as Record<string, string>;
        expect(imported).toBe(before);
        expect(installed.split(",").map(Number)).toEqual(before.split(",").map((n) => Number(n) + 1));
    });
});
