// The auditd rules file of the CIS 1.1.x watches: rendered from the node's resolved paths, and a
// pure syntax check of rules lines (what auditctl would refuse), used before writing our file and
// when the audit reads a node's rules. auditctl itself has no parse-only mode (it loads what it
// reads), so a real parse happens only where auditd runs, by `augenrules --load` in the provider.
import { AUDIT_KEY, AUDIT_PERMS, AuditWatch } from "../rules/auditRules";

export interface RenderedAuditRules {
    readonly content: string;
    /** What each rule id watches, in file order. */
    readonly watched: readonly { readonly ruleId: string; readonly path: string }[];
    /** Paths left out, with why (auditd rules are split on whitespace: such a path cannot be watched). */
    readonly skipped: readonly string[];
}

const HEADER = [
    "# Written by gpu-node-hardening (DockerAuditRules): CIS Docker Benchmark 1.6, 1.1.3-1.1.18.",
    "# Watches only paths that exist on this node, resolved to their real location.",
    "# Changes made here are reported as drift and overwritten by `pulumi up --refresh`.",
];

const WATCHABLE = /^\/[^\s\0]*$/;

/** One `-w PATH -p wa -k docker` line per distinct path, grouped by rule id in catalog order. */
export function renderAuditRules(order: readonly string[], resolved: Readonly<Record<string, readonly string[]>>): RenderedAuditRules {
    const lines = [...HEADER];
    const watched: { ruleId: string; path: string }[] = [];
    const skipped: string[] = [];
    const written = new Set<string>();
    for (const ruleId of order) {
        const group: string[] = [];
        for (const path of resolved[ruleId] ?? []) {
            if (!WATCHABLE.test(path)) {
                skipped.push(`${ruleId}: ${JSON.stringify(path)} contains whitespace and cannot be written as an auditd watch`);
                continue;
            }
            watched.push({ ruleId, path });
            if (!written.has(path)) { // auditctl refuses a second identical rule ("Rule exists")
                written.add(path);
                group.push(`-w ${path} -p ${AUDIT_PERMS} -k ${AUDIT_KEY}`);
            }
        }
        if (group.length > 0) {
            // auditctl allows comments only on lines of their own
            lines.push(`# ${ruleId}`, ...group);
        }
    }
    const content = lines.join("\n");
    return { content: `${content}\n`, watched, skipped };
}

export interface ParsedAuditRules {
    readonly watches: readonly AuditWatch[];
    /** "file:line: problem" (or "line N: problem" without a file name). */
    readonly problems: readonly string[];
}

const PERMS = /^(?!.*(.).*\1)[rwxa]{1,4}$/; // each of r, w, x, a at most once
const KEY = /^\S{1,256}$/;
const NUMBER = /^\d+$/;
const LISTS = new Set(["exit", "task", "user", "exclude", "filesystem", "io_uring"]);
const ACTIONS = new Set(["always", "never"]);
const CONTROL_WITH_NUMBER = new Set(["-b", "-f", "-e", "-r", "--backlog_wait_time"]);
const CONTROL_BARE = new Set(["-D", "-i", "-c", "--loginuid-immutable", "--reset-lost"]);

/**
 * Check rules lines the way auditctl reads them (one rule per line, `#` comments, options split on
 * whitespace) and collect the file watches: `-w PATH [-p PERMS] [-k KEY]`, and `-a always,exit`
 * rules with `-F path=`/`-F dir=` and `-F perm=`. Unknown options are problems, not guesses.
 */
export function parseAuditRules(text: string, file?: string): ParsedAuditRules {
    const watches: AuditWatch[] = [];
    const problems: string[] = [];
    text.split("\n").forEach((raw, index) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line === "No rules") {
            return;
        }
        const where = file ? `${file}:${index + 1}` : `line ${index + 1}`;
        const problem = checkLine(line.split(/\s+/), watches);
        if (problem !== undefined) {
            problems.push(`${where}: ${problem}: ${line.slice(0, 120)}`);
        }
    });
    return { watches, problems };
}

function checkLine(words: readonly string[], watches: AuditWatch[]): string | undefined {
    const [first] = words;
    if (CONTROL_BARE.has(first)) {
        return words.length === 1 ? undefined : `${first} takes no argument`;
    }
    if (CONTROL_WITH_NUMBER.has(first)) {
        return words.length === 2 && NUMBER.test(words[1]) ? undefined : `${first} takes one number`;
    }
    if (first === "-w" || first === "-W") {
        return checkWatch(words, first === "-w" ? watches : []);
    }
    if (first === "-a" || first === "-A") {
        return checkSyscallRule(words, watches);
    }
    return `unknown option ${first}`;
}

/**
 * Walks the "-X VALUE" pairs after a rule's first two words: `onPair` returns a problem or
 * undefined; the first problem (or a missing value) ends the walk.
 */
function eachOption(words: readonly string[], onPair: (option: string, value: string) => string | undefined): string | undefined {
    for (let i = 2; i < words.length; i += 2) {
        const [option, value] = [words[i], words[i + 1]];
        if (value === undefined) {
            return `${option} needs a value`;
        }
        const problem = onPair(option, value);
        if (problem !== undefined) {
            return problem;
        }
    }
    return undefined;
}

const keyProblem = (value: string) => (KEY.test(value) ? undefined : `-k ${value} is not a key (1-256 characters, no spaces)`);

function checkWatch(words: readonly string[], watches: AuditWatch[]): string | undefined {
    const path = words[1];
    if (path === undefined || !path.startsWith("/")) {
        return `${words[0]} needs an absolute path`;
    }
    let perms = "rwxa";
    let key: string | undefined;
    const problem = eachOption(words, (option, value) => {
        if (option === "-p") {
            perms = value;
            return PERMS.test(value) ? undefined : `-p ${value} is not a permission filter of r, w, x, a`;
        }
        if (option === "-k") {
            key = value;
            return keyProblem(value);
        }
        return `${option} is not an option of a file watch`;
    });
    if (problem === undefined) {
        watches.push({ path, perms, key });
    }
    return problem;
}

function checkSyscallRule(words: readonly string[], watches: AuditWatch[]): string | undefined {
    const pair = (words[1] ?? "").split(",");
    if (pair.length !== 2 || !pair.some((p) => LISTS.has(p)) || !pair.some((p) => ACTIONS.has(p))) {
        return `${words[0]} needs LIST,ACTION (for example always,exit)`;
    }
    let path: string | undefined;
    let perms = "rwxa";
    let key: string | undefined;
    const problem = eachOption(words, (option, value) => {
        if (option === "-F") {
            const field = /^([a-z_0-9]+)(=|!=|<=|>=|<|>|&=|&)(.+)$/.exec(value);
            if (!field) {
                return `-F ${value} is not FIELD=VALUE`;
            }
            const [, name, , fieldValue] = field;
            if ((name === "path" || name === "dir") && fieldValue.startsWith("/")) {
                path = fieldValue;
            } else if (name === "perm") {
                perms = fieldValue;
                return PERMS.test(fieldValue) ? undefined : `-F perm=${fieldValue} is not a permission filter of r, w, x, a`;
            } else if (name === "key") {
                key = fieldValue;
            }
            return undefined;
        }
        if (option === "-k") {
            key = value;
            return keyProblem(value);
        }
        return option === "-S" || option === "-C" ? undefined : `${option} is not an option of a syscall rule`;
    });
    if (problem !== undefined) {
        return problem;
    }
    if (path !== undefined && words[0] === "-a") {
        watches.push({ path, perms, key });
    }
    return undefined;
}

/** Rules files as the audit probe prints them ("### FILE" before each) -> all watches, all problems. */
export function parseAuditRulesFiles(text: string): ParsedAuditRules & { readonly files: readonly string[] } {
    const watches: AuditWatch[] = [];
    const problems: string[] = [];
    const files: string[] = [];
    for (const block of text.split(/^### /m).filter((b) => b.trim() !== "")) {
        const newline = block.indexOf("\n");
        const file = (newline < 0 ? block : block.slice(0, newline)).trim();
        files.push(file);
        const parsed = parseAuditRules(newline < 0 ? "" : block.slice(newline + 1), file);
        watches.push(...parsed.watches);
        problems.push(...parsed.problems);
    }
    return { watches, problems, files };
}
