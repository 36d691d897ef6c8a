// Waivers: a named person accepts one rule's violation on some resources until a date. Pure:
// parsing, matching and expiry, with the clock passed in, so the policy pack and the tests share
// one implementation and a test can stand on any day.

export interface Waiver {
    /** 1-based position in the configured list, for messages. */
    readonly position: number;
    /** The rule's current id (an alias in the file is resolved). */
    readonly rule: string;
    /** A URN ("urn:pulumi:…") or a resource name; `*` matches any run of characters, `?` one. */
    readonly resource: string;
    readonly owner: string;
    readonly reason: string;
    /** The last day the waiver holds, "YYYY-MM-DD" (UTC): it expires at the end of that day. */
    readonly expires: string;
}

export interface ParsedWaivers {
    readonly waivers: readonly Waiver[];
    /** One message per malformed entry; a malformed entry waives nothing. */
    readonly problems: readonly string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day (no 2026-02-30), or undefined. */
function parseDay(text: string): Date | undefined {
    const m = DATE.exec(text);
    if (!m) {
        return undefined;
    }
    const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return day.toISOString().slice(0, 10) === text ? day : undefined;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);

/**
 * Check a configured waiver list. `canonicalRule` maps a rule id or alias to the rule's id, or
 * undefined when no such rule exists.
 */
export function parseWaivers(raw: unknown, canonicalRule: (id: string) => string | undefined): ParsedWaivers {
    if (raw === undefined || raw === null) {
        return { waivers: [], problems: [] };
    }
    if (!Array.isArray(raw)) {
        return { waivers: [], problems: ["waivers must be a list"] };
    }
    const waivers: Waiver[] = [];
    const problems: string[] = [];
    raw.forEach((entry: unknown, index) => {
        const position = index + 1;
        const e = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
        const label = `waiver ${position}${text(e.rule) ? ` (${text(e.rule)}${text(e.resource) ? ` on ${text(e.resource)}` : ""})` : ""}`;
        const wrong: string[] = [];
        const ruleText = text(e.rule);
        const rule = ruleText === undefined ? undefined : canonicalRule(ruleText);
        if (ruleText === undefined) {
            wrong.push('"rule" is missing');
        } else if (rule === undefined) {
            wrong.push(`"rule" ${JSON.stringify(ruleText)} is not a rule id (see docs/rules.md)`);
        }
        for (const field of ["resource", "owner", "reason"] as const) {
            if (text(e[field]) === undefined) {
                wrong.push(`"${field}" is missing`);
            }
        }
        const resource = text(e.resource);
        if (resource !== undefined && /^(urn:)?[*?:]*$/.test(resource)) {
            // a waiver is for named resources; one that matches everything disables the rule unseen
            wrong.push(`"resource" ${JSON.stringify(resource)} matches every resource: name the resource (its URN, or its name), or set the rule to advisory on purpose`);
        }
        const expires = text(e.expires);
        if (expires === undefined) {
            wrong.push('"expires" is missing');
        } else if (parseDay(expires) === undefined) {
            wrong.push(`"expires" ${JSON.stringify(expires)} is not a date YYYY-MM-DD`);
        }
        if (wrong.length > 0) {
            problems.push(`${label}: ${wrong.join("; ")}`);
            return;
        }
        waivers.push({
            position,
            rule: rule as string,
            resource: text(e.resource) as string,
            owner: text(e.owner) as string,
            reason: text(e.reason) as string,
            expires: expires as string,
        });
    });
    return { waivers, problems };
}

function globToRegExp(pattern: string): RegExp {
    const body = pattern.split("").map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&"))).join("");
    return new RegExp(`^${body}$`);
}

/** Does the waiver's resource pattern name this resource (by URN when it is one, else by name)? */
export function resourceMatches(pattern: string, resource: { readonly urn: string; readonly name: string }): boolean {
    return globToRegExp(pattern).test(pattern.startsWith("urn:") ? resource.urn : resource.name);
}

/** The first instant at which the waiver no longer holds: the day after `expires`, 00:00 UTC. */
export function expiryInstant(waiver: Pick<Waiver, "expires">): Date {
    const day = parseDay(waiver.expires);
    if (day === undefined) {
        throw new Error(`waiver expiry ${JSON.stringify(waiver.expires)} is not a date`);
    }
    return new Date(day.getTime() + 24 * 60 * 60 * 1000);
}

export function isExpired(waiver: Pick<Waiver, "expires">, now: Date): boolean {
    return now.getTime() >= expiryInstant(waiver).getTime();
}

/**
 * The waiver that decides a violation of `rule` on `resource`: an active one if any (the latest
 * expiry first), else the most recently expired one, so that an expired waiver is reported even
 * when it is the only one; undefined when none names the resource.
 */
export function findWaiver(waivers: readonly Waiver[], rule: string, resource: { readonly urn: string; readonly name: string }, now: Date): Waiver | undefined {
    const matching = waivers.filter((w) => w.rule === rule && resourceMatches(w.resource, resource))
        .sort((a, b) => b.expires.localeCompare(a.expires));
    return matching.find((w) => !isExpired(w, now)) ?? matching[0];
}
