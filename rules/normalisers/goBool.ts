// Go's strconv.ParseBool, which Docker uses for boolean option values (no-new-privileges=...).
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** true / false as Go reads the text, undefined when Go refuses it (Docker then refuses the option). */
export function goParseBool(text: string): boolean | undefined {
    return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}
