// The SARIF 2.1.0 JSON schema that Microsoft's @microsoft/jest-sarif ships is a draft-04 schema:
// ajv 8 reads draft-04 only through ajv-draft-04, and checks "format" (uri, date-time) only with
// ajv-formats. One compiled validator for every test that checks a SARIF log.
import * as fs from "node:fs";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";

export const SARIF_SCHEMA_PATH = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

let compiled: ReturnType<Ajv04["compile"]> | undefined;

/** The schema's error messages for a SARIF log; empty when it is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
    if (!compiled) {
        // strict off: the schema has keywords of its own; unicodeRegExp off: one of its patterns
        // ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$") is valid only without the u flag.
        const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
        addFormats(ajv);
        compiled = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA_PATH, "utf8")));
    }
    return compiled(JSON.parse(JSON.stringify(log))) ? [] : (compiled.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}
