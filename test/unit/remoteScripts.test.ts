// Every script that runs on a node is a remote/*.sh file (checked by shellcheck in npm test), and
// none is left in a TypeScript string: the provider and the audit pass a loaded script to SSH.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REMOTE_SCRIPTS_DIR, remoteScript } from "../../lib/remoteScripts";

const root = path.resolve(__dirname, "..", "..");
const sources = ["provider", "audit", "lib", "components", "transport"].flatMap((dir) =>
    fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f)));
const text = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

describe("remote scripts", () => {
    it("are never written inline: every session.run/check gets a loaded script", () => {
        // run(SCRIPT, ...) and check(WHAT, SCRIPT, ...): SCRIPT must not be a string literal
        const inline = sources.flatMap((file) => [...text(file).matchAll(/session\.run\(\s*['"`]|session\.(?:check|read)\(\s*(?:"[^"]*"|`[^`]*`)\s*,\s*['"`]/g)]
            .map((m) => `${file}: ${m[0]}`));
        expect(inline).toEqual([]);
        // a template literal that reads like shell (set -e, a pipe into sed, printf with a format)
        const shellish = sources.filter((file) => /=\s*`\s*\n\s*(set -[eu]|for |if |printf )/.test(text(file)));
        expect(shellish).toEqual([]);
    });

    it("are all used, each by name", () => {
        const used = new Set(sources.flatMap((file) => [...text(file).matchAll(/remoteScript\("([a-z0-9-]+)"|"(daemon-wait-for-docker|audit-paths|install-file|gpg-primaries|stat-paths|receive-verified|dockerd-command-line|toolkit-config-reading)"/g)].map((m) => m[1] ?? m[2])));
        const files = fs.readdirSync(REMOTE_SCRIPTS_DIR).filter((f) => f.endsWith(".sh")).map((f) => f.replace(/\.sh$/, ""));
        expect(files.filter((f) => !used.has(f))).toEqual([]);
    });

    it("get our constants quoted in front, and refuse a constant the script does not read", () => {
        const script = remoteScript("owner-read", { OWNER_RECORD: "/etc/docker/.gnh/owner it's" });
        expect(script.split("\n")[0]).toBe("OWNER_RECORD='/etc/docker/.gnh/owner it'\\''s'");
        expect(script).not.toContain("#!/bin/sh");
        expect(() => remoteScript("owner-read", { STATE_DIR: "/x" })).toThrow("remote/owner-read.sh does not read ${STATE_DIR}");
    });
});
