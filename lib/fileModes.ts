// Owner and mode of files we do not write but CIS section 3 names (docker.service, docker.socket,
// /etc/docker, daemon.json, /etc/default/docker): what a node has, and the smallest change that
// brings it within the expectation. Modes are permission bits: a mode is tightened by clearing
// the bits the expectation does not allow (606 within 644 becomes 604), never replaced by a
// "bigger" or "smaller" number, so a stricter mode chosen on the node is kept. Pure.

export interface ModeExpectation {
    /** Absolute paths, or "DIR/**\/*SUFFIX" for every regular file under DIR whose name ends in SUFFIX. */
    readonly paths: readonly string[];
    readonly owner: string;
    readonly group: string;
    /** The most permissive mode allowed, octal ("644"). */
    readonly mode: string;
}

export interface ObservedFile {
    readonly path: string;
    /** Absent: the file does not exist (nothing to enforce); symlink: left alone (chmod would follow it). */
    readonly state: "present" | "absent" | "symlink";
    readonly owner?: string;
    readonly group?: string;
    readonly mode?: string;
}

export interface ModeFix {
    readonly path: string;
    /** "owner:group" to set, when it differs. */
    readonly chown?: string;
    /** Octal mode to set, when bits beyond the allowed ones are set. */
    readonly chmod?: string;
    /** For messages: what it was. */
    readonly was: string;
}

const OCTAL = /^[0-7]{1,4}$/;

function bits(mode: string): number {
    if (!OCTAL.test(mode)) {
        throw new Error(`${JSON.stringify(mode)} is not an octal mode`);
    }
    return parseInt(mode, 8);
}

/** The mode with every bit outside `allowed` cleared (special bits included), as octal digits. */
export function tightenMode(actual: string, allowed: string): string {
    return (bits(actual) & bits(allowed) & 0o7777).toString(8).padStart(3, "0");
}

/**
 * True when `actual` sets no permission bit that `allowed` does not ("606" is not within "644").
 * Fails closed: a mode that is not octal digits is never allowed.
 */
export function modeAllowed(actual: string, allowed: string): boolean {
    return OCTAL.test(actual) && OCTAL.test(allowed) && (bits(actual) & ~bits(allowed) & 0o7777) === 0;
}

const TREE_PATTERN = /^(\/.*?)\/\*\*\/\*([^/*]+)$/;

/** "DIR/**\/*SUFFIX" -> its directory and suffix; undefined for a plain path. */
export function treePattern(path: string): { readonly dir: string; readonly suffix: string } | undefined {
    const match = TREE_PATTERN.exec(path);
    return match ? { dir: match[1], suffix: match[2] } : undefined;
}

/** The stat script's arguments for these paths: a plain path as it is, a tree pattern as "+DIR". */
export function statArguments(paths: readonly string[]): string[] {
    return [...new Set(paths.map((p) => { const tree = treePattern(p); return tree ? `+${tree.dir}` : p; }))];
}

/** The observed files a path stands for: itself, or every file a tree pattern matches. */
export function filesMatching<T extends { readonly path: string }>(path: string, observed: readonly T[]): T[] {
    const tree = treePattern(path);
    return tree === undefined
        ? observed.filter((o) => o.path === path)
        : observed.filter((o) => o.path.startsWith(`${tree.dir}/`) && o.path.endsWith(tree.suffix));
}

/** `stat -c '%n %U %G %a'` lines, "PATH -" for absent and "PATH L" for symlinks (see FileModes' script). */
export function parseObserved(text: string): ObservedFile[] {
    return text.split("\n").filter((l) => l.trim() !== "").map((line) => {
        const parts = line.split(" ");
        if (parts.length === 2 && (parts[1] === "-" || parts[1] === "L")) {
            return { path: parts[0], state: parts[1] === "-" ? "absent" : "symlink" };
        }
        const [mode, group, owner, ...path] = parts.reverse();
        return { path: path.reverse().join(" "), state: "present", owner, group, mode };
    });
}

/** What to change so that every existing file is within its expectation (empty when it is). */
export function planModeFixes(expectations: readonly ModeExpectation[], observed: readonly ObservedFile[]): ModeFix[] {
    const fixes: ModeFix[] = [];
    for (const expectation of expectations) {
        for (const file of expectation.paths.flatMap((p) => filesMatching(p, observed))) {
            const path = file.path;
            if (file.state !== "present" || file.mode === undefined) {
                continue;
            }
            const wantedOwner = `${expectation.owner}:${expectation.group}`;
            const owner = `${file.owner}:${file.group}`;
            const chown = owner !== wantedOwner ? wantedOwner : undefined;
            const chmod = modeAllowed(file.mode, expectation.mode) ? undefined : tightenMode(file.mode, expectation.mode);
            if (chown !== undefined || chmod !== undefined) {
                fixes.push({ path, chown, chmod, was: `${owner} ${file.mode}` });
            }
        }
    }
    return fixes;
}

/** "path: root:docker 664 -> root:root 644" */
export function describeFix(fix: ModeFix): string {
    const [owner, mode] = fix.was.split(" ");
    return `${fix.path}: ${fix.was} -> ${fix.chown ?? owner} ${fix.chmod ?? mode}`;
}
