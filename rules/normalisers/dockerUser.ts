// --user as Docker resolves it (runc's user.GetExecUser): "USER[:GROUP]", each part a number when
// Go's strconv.Atoi reads it as one ("00", "+0" and "-0" are 0), a name otherwise, looked up in the
// image's /etc/passwd and /etc/group. Pure.

export interface DockerUser {
    /** The user part as written, trimmed of nothing (Docker does not trim). */
    readonly user: string;
    readonly group?: string;
    /** Numeric ids where the part is a number as Atoi reads it. */
    readonly uid?: number;
    readonly gid?: number;
}

/** Go's strconv.Atoi on a decimal string: optional sign, digits only; undefined when Atoi fails. */
export function goAtoi(text: string): number | undefined {
    return /^[+-]?[0-9]+$/.test(text) ? Number(text) || 0 : undefined; // "-0" is 0, not -0
}

export function parseDockerUser(spec: string): DockerUser {
    const colon = spec.indexOf(":");
    const user = colon < 0 ? spec : spec.slice(0, colon);
    const group = colon < 0 ? undefined : spec.slice(colon + 1);
    return { user, group, uid: goAtoi(user), gid: group === undefined ? undefined : goAtoi(group) };
}

/** Why the user is root or in the root group; undefined when neither is visible. */
export function rootProblem(spec: string): string | undefined {
    const parsed = parseDockerUser(spec);
    if (parsed.user === "") {
        return "sets no user: it runs as root unless the image says otherwise";
    }
    if (parsed.uid === 0 || parsed.user === "root") {
        return `runs as ${JSON.stringify(spec)}, which Docker resolves to uid 0`;
    }
    if (parsed.gid === 0 || parsed.group === "root") {
        return `runs with the root group (${JSON.stringify(spec)}): group-root files on the host are its`;
    }
    return undefined;
}
