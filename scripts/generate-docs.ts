// `npm run docs`: writes the generated documentation.
import * as fs from "node:fs";
import * as path from "node:path";
import { renderRulesDoc } from "../rules/rulesDoc";

const target = path.join(__dirname, "..", "docs", "rules.md");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderRulesDoc());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
