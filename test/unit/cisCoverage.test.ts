// CIS Docker Benchmark 1.6.0: every citation a rule makes exists in the benchmark's data, and every
// control of the benchmark is implemented by a rule or listed as out of scope with a reason.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CIS_DOCKER, cisControl } from "../../lib/cisBenchmark";
import { catalog } from "../../rules/catalog";
import { isCis } from "../../rules/rule";
import { renderCisDoc } from "../../rules/cisDoc";
import { CIS_OUT_OF_SCOPE } from "../../rules/cisScope";
import { FILE_EXPECTATIONS } from "../../rules/liveRules";

const citations = [
    ...catalog.flatMap((rule) => rule.controls.filter(isCis).map((c) => ({ by: rule.id, id: c.id }))),
    ...FILE_EXPECTATIONS.flatMap((e) => e.controls.filter(isCis).map((c) => ({ by: e.paths[0], id: c.id }))),
];

describe("CIS Docker Benchmark 1.6.0 references", () => {
    it("are read from the data, with its source", () => {
        expect(CIS_DOCKER.version).toBe("1.6.0");
        expect(CIS_DOCKER.source).toMatch(/docker-bench-security/);
        expect(cisControl("5.1")?.title).toMatch(/swarm mode/);
        expect(cisControl("5.5")?.title).toMatch(/privileged containers/);
        expect(cisControl("5.32")?.title).toMatch(/Docker socket/);
    });

    it("cite only controls that exist in the benchmark, never a section heading", () => {
        const wrong = citations.filter((c) => cisControl(c.id) === undefined || cisControl(c.id)?.section === true);
        expect(wrong).toEqual([]);
    });

    it("cite section 5 by its 1.6.0 numbers (5.1 is swarm mode, privileged is 5.5, the socket 5.32)", () => {
        const cited = (ruleId: string) => catalog.find((r) => r.id === ruleId)!.controls.filter(isCis).map((c) => c.id);
        expect(cited("GNH-CONTAINER-PRIVILEGED")).toEqual(["5.5"]);
        expect(cited("GNH-CONTAINER-CAPABILITIES")).toEqual(["5.4"]);
        expect(cited("GNH-CONTAINER-DOCKER-SOCKET")).toEqual(["5.32"]);
        expect(cited("GNH-CONTAINER-HOST-NAMESPACES")).toEqual(["5.10", "5.16", "5.17", "5.21", "5.31"]);
        expect(cited("GNH-CONTAINER-SECCOMP")).toEqual(["5.22"]);
    });

    it("account for every control: implemented by a rule, or out of scope with a reason, never both", () => {
        const cited = new Set(citations.map((c) => c.id));
        const controls = CIS_DOCKER.controls.filter((c) => !c.section).map((c) => c.id);
        expect(controls.filter((id) => !cited.has(id) && CIS_OUT_OF_SCOPE[id] === undefined)).toEqual([]);
        expect(controls.filter((id) => cited.has(id) && CIS_OUT_OF_SCOPE[id] !== undefined)).toEqual([]);
        expect(Object.keys(CIS_OUT_OF_SCOPE).filter((id) => cisControl(id) === undefined)).toEqual([]);
        expect(Object.values(CIS_OUT_OF_SCOPE).every((reason) => reason.length > 40)).toBe(true);
    });
});

describe("docs/cis.md", () => {
    it("matches what the catalog renders (run npm run docs)", () => {
        expect(fs.readFileSync(path.join(__dirname, "..", "..", "docs", "cis.md"), "utf8")).toBe(renderCisDoc());
    });

    it("lists every control in the benchmark's order, each with rules or a reason", () => {
        const rows = renderCisDoc().split("\n").filter((l) => /^\| \d/.test(l)).map((l) => l.split(" | ")[0].slice(2));
        expect(rows).toEqual(CIS_DOCKER.controls.filter((c) => !c.section).map((c) => c.id));
        expect(renderCisDoc()).toContain("| 5.5 | Ensure that privileged containers are not used | GNH-CONTAINER-PRIVILEGED | mandatory | preview, audit | - |");
        expect(renderCisDoc()).toContain("| 2.2 | Ensure network traffic is restricted between containers on the default bridge | GNH-DAEMON-ICC | mandatory | preview, audit | HardenedDockerDaemon |");
    });
});
