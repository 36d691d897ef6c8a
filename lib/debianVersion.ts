// Debian's version order (deb-version(7)), as dpkg --compare-versions applies it: the fixed
// package versions of a security advisory are judged by the distribution's own rules, where
// "1.1.5+ds1-1+deb12u1" is newer than "1.1.5+ds1-1", "1.0~rc1" is older than "1.0", and
// "deb13u10" is newer than "deb13u9".

interface DebianVersion {
    readonly epoch: number;
    readonly upstream: string;
    readonly revision: string;
}

export function parseDebianVersion(version: string): DebianVersion {
    const colon = version.indexOf(":");
    const epoch = colon > 0 && /^\d+$/.test(version.slice(0, colon)) ? Number(version.slice(0, colon)) : 0;
    const rest = colon > 0 ? version.slice(colon + 1) : version;
    const dash = rest.lastIndexOf("-");
    return dash < 0
        ? { epoch, upstream: rest, revision: "0" }
        : { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** The weight of one character in a non-digit run: "~" before the end, letters before the rest. */
function order(char: string | undefined): number {
    if (char === undefined) {
        return 0;
    }
    if (char === "~") {
        return -1;
    }
    if (/[A-Za-z]/.test(char)) {
        return char.charCodeAt(0);
    }
    return char.charCodeAt(0) + 256;
}

/** Alternating non-digit and digit runs, compared as dpkg's verrevcmp does. */
function comparePart(a: string, b: string): number {
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
            const x = i < a.length && !/\d/.test(a[i]) ? order(a[i]) : order(undefined);
            const y = j < b.length && !/\d/.test(b[j]) ? order(b[j]) : order(undefined);
            if (x !== y) {
                return x - y;
            }
            if (i < a.length && !/\d/.test(a[i])) {
                i++;
            }
            if (j < b.length && !/\d/.test(b[j])) {
                j++;
            }
        }
        let digitsA = "";
        let digitsB = "";
        while (i < a.length && /\d/.test(a[i])) {
            digitsA += a[i++];
        }
        while (j < b.length && /\d/.test(b[j])) {
            digitsB += b[j++];
        }
        const difference = compareDigits(digitsA, digitsB);
        if (difference !== 0) {
            return difference;
        }
    }
    return 0;
}

/** Numeric order of two digit runs of any length ("" is 0). */
function compareDigits(a: string, b: string): number {
    const x = a.replace(/^0+/, "");
    const y = b.replace(/^0+/, "");
    if (x.length !== y.length) {
        return x.length - y.length;
    }
    return x < y ? -1 : x > y ? 1 : 0;
}

/** Negative, zero or positive, like dpkg --compare-versions a lt/eq/gt b. */
export function compareDebianVersions(a: string, b: string): number {
    const va = parseDebianVersion(a);
    const vb = parseDebianVersion(b);
    if (va.epoch !== vb.epoch) {
        return va.epoch - vb.epoch;
    }
    return comparePart(va.upstream, vb.upstream) || comparePart(va.revision, vb.revision);
}
