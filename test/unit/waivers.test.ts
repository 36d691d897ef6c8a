// Waivers: parsing with a message per problem, matching by name or URN pattern, and expiry at
// the end of the stated day (UTC), on a clock the test sets.
import { describe, expect, it } from "vitest";
import { ruleById } from "../../rules/catalog";
import { expiryInstant, findWaiver, isExpired, parseWaivers, resourceMatches, Waiver } from "../../rules/waivers";

const canonical = (id: string) => ruleById(id)?.id;
const good = { rule: "GNH-DAEMON-ICC", resource: "gnh-node-2-*", owner: "alice@example.com", reason: "NCCL over docker0 (INC-42)", expires: "2026-12-31" };
const daemon = { urn: "urn:pulumi:prod::gpu-node-hardening::gpu-node-hardening:index:GpuNode$gnh:host:DockerDaemonConfig::gnh-node-2-daemon-json", name: "gnh-node-2-daemon-json" };

describe("parseWaivers", () => {
    it("accepts a complete waiver and numbers it", () => {
        expect(parseWaivers([good], canonical)).toEqual({ waivers: [{ position: 1, ...good }], problems: [] });
        expect(parseWaivers(undefined, canonical)).toEqual({ waivers: [], problems: [] });
    });

    it("names each problem of a malformed waiver, and keeps the good ones", () => {
        const parsed = parseWaivers([
            good,
            { ...good, rule: "GNH-DAEMON-ICCC" },
            { ...good, owner: " " },
            { ...good, expires: "2026-02-30" },
            { ...good, expires: "31/12/2026" },
            { rule: "GNH-DAEMON-ICC" },
            "not an object",
        ], canonical);
        expect(parsed.waivers.map((w) => w.position)).toEqual([1]);
        expect(parsed.problems).toEqual([
            'waiver 2 (GNH-DAEMON-ICCC on gnh-node-2-*): "rule" "GNH-DAEMON-ICCC" is not a rule id (see docs/rules.md)',
            'waiver 3 (GNH-DAEMON-ICC on gnh-node-2-*): "owner" is missing',
            'waiver 4 (GNH-DAEMON-ICC on gnh-node-2-*): "expires" "2026-02-30" is not a date YYYY-MM-DD',
            'waiver 5 (GNH-DAEMON-ICC on gnh-node-2-*): "expires" "31/12/2026" is not a date YYYY-MM-DD',
            'waiver 6 (GNH-DAEMON-ICC): "resource" is missing; "owner" is missing; "reason" is missing; "expires" is missing',
            'waiver 7: "rule" is missing; "resource" is missing; "owner" is missing; "reason" is missing; "expires" is missing',
        ]);
        expect(parseWaivers({ rule: "x" }, canonical).problems).toEqual(["waivers must be a list"]);
    });

    it("refuses a resource pattern that matches every resource", () => {
        for (const resource of ["*", "urn:*", "**", "?*"]) {
            expect(parseWaivers([{ ...good, resource }], canonical).problems).toEqual([
                `waiver 1 (GNH-DAEMON-ICC on ${resource}): "resource" ${JSON.stringify(resource)} matches every resource: name the resource (its URN, or its name), or set the rule to advisory on purpose`,
            ]);
        }
    });

    it("resolves a rule alias to the rule's id", () => {
        const parsed = parseWaivers([{ ...good, rule: "GNH-DAEMON-ICC" }], (id) => (id === "OLD-ICC" || id === "GNH-DAEMON-ICC" ? "GNH-DAEMON-ICC" : undefined));
        expect(parsed.waivers[0].rule).toBe("GNH-DAEMON-ICC");
        expect(parseWaivers([{ ...good, rule: "OLD-ICC" }], (id) => (id === "OLD-ICC" ? "GNH-DAEMON-ICC" : undefined)).waivers[0].rule).toBe("GNH-DAEMON-ICC");
    });
});

describe("resourceMatches", () => {
    it("matches names with * and ?, and URNs when the pattern is one", () => {
        expect(resourceMatches("gnh-node-2-*", daemon)).toBe(true);
        expect(resourceMatches("gnh-node-?-daemon-json", daemon)).toBe(true);
        expect(resourceMatches("gnh-node-2", daemon)).toBe(false);
        expect(resourceMatches("gnh-node-20-*", daemon)).toBe(false);
        expect(resourceMatches(daemon.urn, daemon)).toBe(true);
        expect(resourceMatches("urn:pulumi:prod::*::gnh-node-2-daemon-json", daemon)).toBe(true);
        expect(resourceMatches("urn:pulumi:staging::*", daemon)).toBe(false);
        // regex characters in names are literal
        expect(resourceMatches("gnh.node.2-*", daemon)).toBe(false);
    });
});

describe("expiry", () => {
    const waiver: Waiver = { position: 1, ...good };

    it("holds through the stated day (UTC) and expires at the next midnight", () => {
        expect(expiryInstant(waiver).toISOString()).toBe("2027-01-01T00:00:00.000Z");
        expect(isExpired(waiver, new Date("2026-12-31T23:59:59.999Z"))).toBe(false);
        expect(isExpired(waiver, new Date("2027-01-01T00:00:00.000Z"))).toBe(true);
    });

    it("findWaiver prefers an active waiver, else reports the latest expired one", () => {
        const expired: Waiver = { ...waiver, position: 2, expires: "2026-06-30" };
        const other: Waiver = { ...waiver, position: 3, rule: "GNH-DAEMON-LIVE-RESTORE" };
        const july = new Date("2026-07-15T00:00:00Z");
        expect(findWaiver([expired, waiver, other], "GNH-DAEMON-ICC", daemon, july)?.position).toBe(1);
        expect(findWaiver([expired, waiver], "GNH-DAEMON-ICC", daemon, new Date("2027-02-01T00:00:00Z"))?.position).toBe(1);
        expect(findWaiver([expired], "GNH-DAEMON-ICC", daemon, july)?.position).toBe(2);
        expect(findWaiver([other], "GNH-DAEMON-ICC", daemon, july)).toBeUndefined();
    });
});
