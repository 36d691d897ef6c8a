// The audit CLI and the provider start from dist/ only while dist/ was built from the current
// sources: an edit after set-up falls back to ts-node instead of running stale JavaScript.
// Exercised on a copy of tools/compiled/ inside a throw-away project.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/engine";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-precompiled-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function write(relative: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(work, relative)), { recursive: true });
    fs.writeFileSync(path.join(work, relative), text);
}

/** Which file answered: the compiled JavaScript or the TypeScript source. */
function whereLoaded(): string {
    const script = `console.log(require(${JSON.stringify(path.join(work, "tools/compiled/entry.js"))}).load("audit/cli").where)`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd: work, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    return path.relative(work, result.stdout.trim());
}

describe("precompiled entry points", () => {
    for (const file of ["sources.js", "entry.js", "build.js"]) {
        write(`tools/compiled/${file}`, fs.readFileSync(path.join(projectRoot, "tools/compiled", file), "utf8"));
    }
    for (const file of ["package.json", "tsconfig.json", "tsconfig.build.json"]) {
        write(file, fs.readFileSync(path.join(projectRoot, file), "utf8"));
    }
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(work, "node_modules"));
    write("audit/cli.ts", "export const where: string = __filename;\n");
    write("provider/main.ts", "export const started = true;\n");
    write("index.ts", "export const program = true;\n");

    it("runs the compiled copy when it matches the sources, and the source after an edit", () => {
        expect(spawnSync(process.execPath, ["tools/compiled/build.js"], { cwd: work, encoding: "utf8" }).status).toBe(0);
        const builds = () => fs.readdirSync(path.join(work, "dist")).filter((name) => /^[0-9a-f]{64}$/.test(name));
        expect(builds()).toHaveLength(1);
        expect(whereLoaded()).toBe(path.join("dist", builds()[0], "audit", "cli.js"));

        write("audit/cli.ts", "export const where: string = __filename; // edited\n");
        expect(whereLoaded()).toBe(path.join("audit", "cli.ts"));

        // a new schema file counts too (resolveJsonModule copies JSON into dist/)
        expect(spawnSync(process.execPath, ["tools/compiled/build.js"], { cwd: work }).status).toBe(0);
        expect(builds()).toHaveLength(2);
        expect(whereLoaded()).toMatch(/^dist\/[0-9a-f]{64}\/audit\/cli\.js$/);
        write("schemas/x.json", "{}\n");
        expect(whereLoaded()).toBe(path.join("audit", "cli.ts"));
    });
});
