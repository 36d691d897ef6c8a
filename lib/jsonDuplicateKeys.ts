// Keys given twice in one JSON object. JSON.parse, like Go's encoding/json that dockerd uses, keeps
// the last value without a word, so a reviewer who reads the first one sees a value that is not in
// force. Found with jsonc-parser's visitor (the parser VS Code uses), not with a tokenizer of ours.
import { visit } from "jsonc-parser";

/** Dotted paths of the keys that appear more than once in their object ("icc", "runtimes.nvidia"). */
export function duplicateKeys(text: string): string[] {
    const open: Set<string>[] = [];
    const found: string[] = [];
    visit(text, {
        onObjectBegin: () => {
            open.push(new Set());
        },
        onObjectEnd: () => {
            open.pop();
        },
        onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
            const keys = open[open.length - 1];
            const path = [...pathSupplier(), name].join(".");
            if (keys?.has(name) && !found.includes(path)) {
                found.push(path);
            }
            keys?.add(name);
        },
    });
    return found;
}
