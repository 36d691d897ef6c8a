// scripts/setup.sh must stop with ONE line that says what to install when a prerequisite is
// missing. We run it with a PATH that lacks the tool and a tools folder with no CLI built.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");

/** A bin folder holding only the named tools (as links to the real ones). */
function pathWith(tools: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-path-"));
    for (const tool of tools) {
        const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        if (found) {
            fs.symlinkSync(found, path.join(dir, tool));
        }
    }
    return dir;
}

const basics = ["bash", "cat", "cut", "sed", "sort", "head", "sha256sum", "mkdir", "mktemp", "chmod", "mv", "rm", "cp", "dirname", "printf"];

function runSetup(tools: string[]): { status: number | null; stderr: string } {
    const tmpTools = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-tools-"));
    const result = spawnSync(path.join(pathWith(tools), "bash"), [path.join(root, "scripts", "setup.sh")], {
        encoding: "utf8",
        env: { PATH: pathWith(tools), HOME: os.tmpdir(), GNH_TOOLS_DIR: tmpTools, GNH_STATE_DIR: path.join(tmpTools, "state") },
    });
    return { status: result.status, stderr: result.stderr };
}

describe("set-up prerequisites", () => {
    it("names Node.js when node is missing", () => {
        const { status, stderr } = runSetup(basics);
        expect(status).toBe(2);
        expect(stderr.trim().split("\n")).toHaveLength(1);
        expect(stderr).toMatch(/^gpu-node-hardening set-up: Node\.js >= 20 is not installed: install Node\.js 20/);
    });

    it("names Docker when no engine runs and none can be installed (lab up)", () => {
        const bin = pathWith([...basics, "date", "id"]);
        const result = spawnSync(path.join(bin, "bash"), [path.join(root, "lab", "lab.sh"), "up"], { encoding: "utf8", env: { PATH: bin, HOME: os.tmpdir() } });
        expect(result.status).toBe(1);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr.trim()).toBe("[lab] error: no Docker engine runs and there is no apt-get to install one: install Docker Engine (Debian/Ubuntu: apt-get install docker.io) and start it");
    });

    it("names the Pulumi CLI and Go when neither is there", () => {
        const { status, stderr } = runSetup([...basics, "node", "npm"]);
        expect(status).toBe(2);
        expect(stderr.trim().split("\n")).toHaveLength(1);
        expect(stderr).toContain("no Pulumi CLI >= 3.221.0 on PATH and no Go toolchain to build one: install the Pulumi CLI, or Go >= 1.26");
    });
});
