// npm run advisories:from-csaf -- CSAF.json [--url URL] [--into data/advisories.json]
// One NVIDIA CSAF bulletin (downloaded from github.com/NVIDIA/product-security) -> a toolkit
// entry of the advisory data: printed, or merged into a data file (entry replaced by id, "updated"
// set to today). Mitigation notes are printed on stderr for a person to turn into config keys.
import * as fs from "node:fs";
import { parseAdvisories } from "../lib/advisories";
import { CsafError, mergeToolkitAdvisory, toolkitAdvisoryFromCsaf } from "../lib/csafAdvisory";

function main(argv: readonly string[]): number {
    const file = argv.find((a, i) => !a.startsWith("--") && (i === 0 || !["--url", "--into"].includes(argv[i - 1])));
    const option = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
    if (file === undefined) {
        process.stderr.write("usage: npm run advisories:from-csaf -- CSAF.json [--url URL] [--into data/advisories.json]\n");
        return 2;
    }
    try {
        const doc = JSON.parse(fs.readFileSync(file, "utf8"));
        const id = doc?.document?.tracking?.id;
        const year = String(doc?.document?.tracking?.initial_release_date ?? "").slice(0, 4);
        const url = option("--url") ?? `https://raw.githubusercontent.com/NVIDIA/product-security/main/${year}/${id}/${id}.json`;
        const { reviewNotes, ...entry } = toolkitAdvisoryFromCsaf(doc, url);
        for (const note of reviewNotes) {
            process.stderr.write(`mitigation note to review (becomes "mitigations" only as config.toml keys): ${note}\n`);
        }
        const into = option("--into");
        if (into === undefined) {
            process.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
            return 0;
        }
        const merged = mergeToolkitAdvisory(JSON.parse(fs.readFileSync(into, "utf8")), entry, new Date().toISOString().slice(0, 10));
        parseAdvisories(merged, into); // refuse to write data the tools would refuse to read
        fs.writeFileSync(`${into}.partial`, `${JSON.stringify(merged, null, 2)}\n`);
        fs.renameSync(`${into}.partial`, into);
        process.stderr.write(`${into}: ${entry.id} (${entry.cves.join(", ")}) fixed in ${entry.fixedIn}\n`);
        return 0;
    } catch (error) {
        process.stderr.write(`advisories:from-csaf: ${error instanceof CsafError || error instanceof SyntaxError ? error.message : String(error)}\n`);
        return 2;
    }
}

process.exitCode = main(process.argv.slice(2));
