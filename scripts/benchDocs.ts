// `npm run bench -- PART --write-docs`: each part's section of docs/benchmarks.md is replaced by
// what this run measured, between the part's own markers, headed by the date and the machine. The
// prose around the markers stays; a part that was not run keeps its last figures.
import * as fs from "node:fs";
import * as os from "node:os";

/** The machine, said once per section: figures from another machine are not comparable. */
export function machineLine(now = new Date()): string {
    const cpus = os.cpus();
    return `Measured ${now.toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus.length} vCPUs (${cpus[0]?.model.trim() ?? "unknown CPU"}), ` +
        `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.versions.node}, ${os.type()} ${os.release()}.`;
}

/** docs text with the part's section between `<!-- bench:PART -->` and `<!-- /bench:PART -->` replaced (or appended). */
export function withSection(docs: string, part: string, title: string, body: string, now = new Date()): string {
    const start = `<!-- bench:${part} -->`;
    const end = `<!-- /bench:${part} -->`;
    const section = `${start}\n### ${title}\n\n${machineLine(now)}\n\n${body.trim()}\n${end}`;
    const from = docs.indexOf(start);
    const to = docs.indexOf(end);
    if (from >= 0 && to > from) {
        return `${docs.slice(0, from)}${section}${docs.slice(to + end.length)}`;
    }
    return `${docs.trimEnd()}\n\n${section}\n`;
}

export function writeSection(file: string, part: string, title: string, body: string): void {
    fs.writeFileSync(file, withSection(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n", part, title, body));
}
