// The foundation's proof: the REAL Pulumi engine (our build of the CLI, our language host, the
// file backend) runs preview, up, a no-op second up, a policy pack, and destroy of a real
// program, and no secret reaches state or logs in plain text.
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "@pulumi/pulumi/automation";
import { projectRoot, stackFor, uniqueStackName } from "../support/engine";

const programDir = path.join(projectRoot, "test", "fixtures", "engine-smoke");
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-engine-"));
const targetFile = path.join(workDir, "smoke.txt");
const stackName = uniqueStackName("engine-smoke");

// A real private key, passed the way users pass theirs: as a Pulumi secret.
const privateKeyPath = path.join(workDir, "id_ed25519");
execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", privateKeyPath]);
const privateKey = fs.readFileSync(privateKeyPath, "utf8");
const privateKeyBody = privateKey.split("\n")[1]; // a line that only the key contains

let stack: Stack;
const outputsSeen: string[] = [];
const collect = (text: string) => outputsSeen.push(text);

beforeAll(async () => {
    stack = await stackFor(programDir, stackName);
    await stack.setConfig("path", { value: targetFile });
    await stack.setConfig("token", { value: privateKey, secret: true });
});

afterAll(async () => {
    await stack?.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
});

describe("real Pulumi engine, offline", () => {
    it("reports the stamped CLI version through npm run pulumi", () => {
        const out = execFileSync("npm", ["run", "--silent", "pulumi", "--", "version"], { cwd: projectRoot, encoding: "utf8" });
        expect(out.trim()).toMatch(/^v3\.\d+\.\d+/);
    });

    it("previews one create", async () => {
        const preview = await stack.preview({ onOutput: collect });
        expect(preview.changeSummary.create).toBe(2); // the stack and the file
    });

    it("creates the resource and returns its outputs", async () => {
        const up = await stack.up({ onOutput: collect });
        expect(up.summary.result).toBe("succeeded");
        expect(up.summary.resourceChanges?.create).toBe(2);
        expect(up.outputs.bytes.value).toBe(Buffer.byteLength("hello from the real engine\n"));
        expect(fs.readFileSync(targetFile, "utf8")).toBe("hello from the real engine\n");
        expect((fs.statSync(targetFile).mode & 0o777).toString(8)).toBe("600");
    });

    it("changes nothing on a second up (run by the CLI with engine logging on)", async () => {
        const up = spawnSync("npm", ["run", "--silent", "pulumi", "--", "up", "--yes", "--stack", stackName, "--cwd", programDir,
            "--non-interactive", "--logtostderr", "--logflow", "-v=9", "--json"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
        collect(up.stdout + up.stderr);
        expect(up.status, up.stderr.slice(-2000)).toBe(0);
        // With engine logging on, the event stream follows the summary document on stdout.
        const summary = up.stdout.split(/\n(?=\{"sequence")/)[0];
        expect(JSON.parse(summary).changeSummary).toEqual({ same: 2 });
    });

    it("keeps the private key and the passphrase out of state, logs and outputs", async () => {
        // The CLI's export, as a user would share it (the Automation API's export shows secrets).
        const exported = execFileSync("npm", ["run", "--silent", "pulumi", "--", "stack", "export", "--stack", stackName, "--cwd", programDir],
            { encoding: "utf8" });
        const stateDir = new URL(process.env.PULUMI_BACKEND_URL!).pathname;
        const stateFiles = listFiles(stateDir).filter((f) => !f.endsWith("passphrase"));
        const passphrase = fs.readFileSync(process.env.PULUMI_CONFIG_PASSPHRASE_FILE!, "utf8").trim();
        const logDir = path.join(process.env.PULUMI_HOME!, "logs");
        const haystacks = [
            exported,
            outputsSeen.join("\n"),
            ...stateFiles.map((f) => fs.readFileSync(f, "utf8")),
            ...listFiles(logDir).map((f) => fs.readFileSync(f, "utf8")),
        ];
        expect(stateFiles.length).toBeGreaterThan(0);
        expect(exported).toContain("ciphertext"); // the secret is there, encrypted
        for (const text of haystacks) {
            expect(text.includes(privateKeyBody)).toBe(false);
            expect(text.includes(passphrase)).toBe(false);
        }
        const passphraseMode = fs.statSync(process.env.PULUMI_CONFIG_PASSPHRASE_FILE!).mode & 0o777;
        expect(passphraseMode.toString(8)).toBe("600");
        expect(crypto.createHash("sha256").update(passphrase).digest("hex")).not.toBe(
            crypto.createHash("sha256").update("").digest("hex"));
    });

    it("destroys what it created", async () => {
        const down = await stack.destroy({ onOutput: collect });
        expect(down.summary.result).toBe("succeeded");
        expect(fs.existsSync(targetFile)).toBe(false);
    });
});

function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name));
}
