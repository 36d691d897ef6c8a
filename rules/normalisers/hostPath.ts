// Host paths as Docker sees them: cleaned the way Go's filepath.Clean does (moby cleans bind
// sources with it), then compared component by component. Pure.

/** Go's filepath.Clean for absolute paths: no "." or empty parts, ".." resolved, never above "/". */
export function cleanPath(path: string): string {
    const parts: string[] = [];
    for (const part of path.split("/")) {
        if (part === "" || part === ".") {
            continue;
        }
        if (part === "..") {
            parts.pop();
        } else {
            parts.push(part);
        }
    }
    return `/${parts.join("/")}`;
}

/** Whether `path` is `root` or lies under it (both cleaned). */
export function isUnder(path: string, root: string): boolean {
    const p = cleanPath(path);
    const r = cleanPath(root);
    return r === "/" || p === r || p.startsWith(`${r}/`);
}

/** Whether a bind of `source` reaches `sensitive`: it lies under it, or it is a directory that holds it. */
export function reaches(source: string, sensitive: string): boolean {
    return isUnder(source, sensitive) || isUnder(sensitive, source);
}
