// `npm run docs`: writes the generated documentation.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderCisDoc } from "../rules/cisDoc";
import { renderRulesDoc } from "../rules/rulesDoc";

const docs = path.join(__dirname, "..", "docs");
fs.mkdirSync(docs, { recursive: true });
for (const [file, text] of [["rules.md", renderRulesDoc()], ["cis.md", renderCisDoc()]] as const) {
    fs.writeFileSync(path.join(docs, file), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(docs, file))}`);
}
