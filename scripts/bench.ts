// `npm run bench`: every benchmark of the project, or the ones named, each printing a markdown
// section; the figures are medians of several runs in one process, so that ratios compare like
// with like on a noisy machine. Run it when the test suite is not running: it uses lab nodes.
//
//   npm run bench                      all parts
//   npm run bench -- audit [options]   one part, with that part's options (see its file)
//   ... --write-docs                   also replace the parts' sections of docs/benchmarks.md
import { benchAudit } from "./benchAudit";
import * as path from "node:path";
import { writeSection } from "./benchDocs";
import { benchEngine } from "./benchEngine";
import { benchPolicyFromArgs } from "./benchPolicy";
import { benchUpFromArgs } from "./benchUp";

type Part = (argv: readonly string[]) => Promise<string>;

/** `byDefault: false`: only when named (`npm run bench -- engine` takes tens of minutes). */
const PARTS: Readonly<Record<string, { readonly title: string; readonly run: Part; readonly byDefault?: boolean }>> = {
    policy: { title: "Policy evaluation (scripts/benchPolicy.ts)", run: benchPolicyFromArgs },
    up: { title: "pulumi up of the fleet (scripts/benchUp.ts)", run: benchUpFromArgs },
    audit: { title: "Live audit (scripts/benchAudit.ts)", run: benchAudit },
    engine: { title: "The engine's own cost at fleet scale (scripts/benchEngine.ts)", run: benchEngine, byDefault: false },
};

async function main(allArgs: readonly string[]): Promise<number> {
    // --write-docs: each part's figures also replace its section of docs/benchmarks.md
    const writeDocs = allArgs.includes("--write-docs");
    const argv = allArgs.filter((a) => a !== "--write-docs");
    const [first, ...rest] = argv;
    const chosen = first !== undefined && !first.startsWith("-") ? [first] : Object.keys(PARTS).filter((name) => PARTS[name].byDefault !== false);
    const options = first !== undefined && !first.startsWith("-") ? rest : argv;
    for (const name of chosen) {
        if (PARTS[name] === undefined) {
            process.stderr.write(`bench: no part ${JSON.stringify(name)} (parts: ${Object.keys(PARTS).join(", ")})\n`);
            return 1;
        }
    }
    if (chosen.length > 1 && options.length > 0) {
        process.stderr.write("bench: options belong to one part: npm run bench -- PART [options]\n");
        return 1;
    }
    for (const name of chosen) {
        process.stderr.write(`[bench] == ${name}\n`);
        const text = await PARTS[name].run(options);
        process.stdout.write(`## ${PARTS[name].title}\n\n${text}\n`);
        if (writeDocs) {
            writeSection(path.join(__dirname, "..", "docs", "benchmarks.md"), name, PARTS[name].title, text);
        }
    }
    return 0;
}

main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
});
