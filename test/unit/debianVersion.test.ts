import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compareDebianVersions } from "../../lib/debianVersion";

// [older, newer] by deb-version(7)
const ORDERED: readonly (readonly [string, string])[] = [
    ["1.1.5+ds1-1", "1.1.5+ds1-1+deb12u1"],
    ["1.1.15+ds1-2+deb13u9", "1.1.15+ds1-2+deb13u10"],
    ["1.0~rc1", "1.0"],
    ["1.0~rc1", "1.0~rc2"],
    ["1.0~~", "1.0~"],
    ["1.0", "1.0a"],
    ["1.0a", "1.0+"],
    ["20.10.24+dfsg1-1+deb12u1", "20.10.24+dfsg1-1+deb12u1+b6"],
    ["26.1.5+dfsg1-9", "1:20.10.5+dfsg1-1"],
    ["1.2", "1.10"],
    ["1.0-1", "1.0-1.1"],
    ["0.9", "1.0-0"],
];

describe("Debian version order", () => {
    it.each(ORDERED)("%s < %s", (older, newer) => {
        expect(compareDebianVersions(older, newer)).toBeLessThan(0);
        expect(compareDebianVersions(newer, older)).toBeGreaterThan(0);
        expect(compareDebianVersions(older, older)).toBe(0);
    });

    it("treats a missing revision as 0 and leading zeros as the same number", () => {
        expect(compareDebianVersions("1.0", "1.0-0")).toBe(0);
        expect(compareDebianVersions("1.01", "1.1")).toBe(0);
        expect(compareDebianVersions("0:1.0", "1.0")).toBe(0);
    });

    // The reference implementation, where this machine has it (Debian controllers do).
    const dpkg = spawnSync("dpkg", ["--version"]).status === 0;
    it.runIf(dpkg)("agrees with dpkg --compare-versions", () => {
        for (const [older, newer] of ORDERED) {
            for (const [a, b, op] of [[older, newer, "lt"], [newer, older, "gt"]] as const) {
                expect(spawnSync("dpkg", ["--compare-versions", a, op, b]).status, `${a} ${op} ${b}`).toBe(0);
            }
        }
    });
});
