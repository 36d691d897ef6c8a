// Session directories hold a copy of the private key: those of dead processes are removed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { removeOrphanedSessionDirs } from "../../provider/ssh";

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
