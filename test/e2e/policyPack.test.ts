// The policy pack in REAL previews (our CLI and language host): over the fleet program and the
// lab's fleet file, as stack `lab` is built (on stacks of this file's own), and over two fixtures
// for what a fleet file cannot express. Preview only: nothing here contacts, let alone changes,
// a lab node.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, uniqueStackName } from "../support/engine";
import { fleetFile, labPackConfigFile, requireLab } from "../support/lab";
import { DEFAULT_TOOLKIT_VERSION } from "../../lib/toolkitConfig";

const policies = path.join(projectRoot, "policies");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-policy-"));

function cli(stack: string, cwd: string) {
    return (...args: string[]) => {
        const run = spawnSync("npm", ["run", "--silent", "pulumi", "--", ...args, "--stack", stack, "--cwd", cwd, "--non-interactive"],
            { encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
        return { status: run.status, text: `${run.stdout}${run.stderr}` };
    };
}

/** A --policy-pack-config file with this content, on top of the lab's (which trusts the lab mirror's key). */
function packConfig(name: string, content: object): string {
    const file = path.join(scratch, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(labPackConfigFile, "utf8")), ...content }, null, 2));
    return file;
}

/** A node of the lab's fleet file, as messages name it. */
// any node of the lab fleet, the access nodes (gnh-sudo, gnh-cert, gnh-jumped) too
const LAB_NODE = "gnh-(?:node-\\d+|brownfield-\\d+|sudo|cert|jumped)";

const expectOk = (run: { status: number | null; text: string }) => expect(run.status, run.text).toBe(0);

const iccWaiver = (expires: string) => ({
    "GNH-WAIVERS": {
        waivers: [{ rule: "GNH-DAEMON-ICC", resource: "*-daemon-json", owner: "ml-platform@example.com", reason: "NCCL jobs on docker0 until INC-42 lands", expires }],
    },
});

describe("CrossGuard pack over the lab fleet (fleet program, stacks of this file's own)", () => {
    const stack = uniqueStackName("policy-fleet");
    const pulumi = cli(stack, projectRoot);
    // the lab's pack configuration unless a test gives its own (built on it by packConfig)
    const preview = (...extra: string[]) => pulumi("preview", "--policy-pack", policies, ...(extra.includes("--policy-pack-config") ? [] : ["--policy-pack-config", labPackConfigFile]), ...extra);

    beforeAll(() => {
        requireLab();
        expectOk(pulumi("stack", "init"));
        expectOk(pulumi("config", "set", "fleetFile", fleetFile));
    });
    afterAll(() => {
        pulumi("stack", "rm", "--yes", "--force");
    });

    it("passes the lab fleet; an advisory rule reports without blocking", () => {
        const run = preview();
        expectOk(run);
        expect(run.text).not.toContain("[mandatory]");
        expect(run.text).toMatch(/\[advisory\] \[severity: low\]\s+GNH-DAEMON-USERNS-REMAP/);
        expect(run.text).toContain('node gnh-node-1: GNH-DAEMON-USERNS-REMAP: daemon.json has no "userns-remap"');
    });

    it("trusts NVIDIA's key only unless the pack's configuration lists the mirror's: a resource's own pin is not enough", () => {
        const run = pulumi("preview", "--policy-pack", policies);
        expect(run.status).not.toBe(0);
        expect(run.text).toMatch(new RegExp(`node (${LAB_NODE}): GNH-APT-PINNED-FINGERPRINT: \\1-toolkit: http://gnh-mirror/good/stable/deb/amd64 trusts key [0-9A-F]{40}, not pinned`));
    });

    it("blocks icc true, naming the node, the rule and the fix", () => {
        expectOk(pulumi("config", "set", "--path", "daemonOverrides.icc", "true"));
        try {
            const run = preview();
            expect(run.status).not.toBe(0);
            expect(run.text).toMatch(/\[mandatory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
            for (const node of ["gnh-node-1", "gnh-brownfield-1"]) {
                expect(run.text).toContain(`node ${node}: GNH-DAEMON-ICC: daemon.json "icc" is true; it must be false. Fix: Set "icc": false`);
            }
        } finally {
            pulumi("config", "rm", "daemonOverrides");
        }
    });

    it("blocks an unpinned toolkit version", () => {
        expectOk(pulumi("config", "set", "toolkitVersion", "latest"));
        try {
            const run = preview();
            expect(run.status).not.toBe(0);
            // the provider refuses the version too, and a preview stops at the first invalid
            // resource: which node is reported first depends on timing
            expect(run.text).toMatch(new RegExp(`node ${LAB_NODE}: GNH-TOOLKIT-ADVISORIES: toolkit version "latest" is not pinned to one release .*Fix: Pin the four toolkit packages to ${DEFAULT_TOOLKIT_VERSION.replace(/\./g, "\\.")} \\(the default\\)`));
        } finally {
            pulumi("config", "rm", "toolkitVersion");
        }
    });

    describe("with icc true on every node", () => {
        beforeAll(() => {
            expectOk(pulumi("config", "set", "--path", "daemonOverrides.icc", "true"));
        });
        afterAll(() => {
            pulumi("config", "rm", "daemonOverrides");
        });

        it("an active waiver lets it pass and reports the exception with owner, reason and expiry", () => {
            const run = preview("--policy-pack-config", packConfig("active", iccWaiver("2099-12-31")));
            expectOk(run);
            expect(run.text).toMatch(/\[advisory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
            expect(run.text).toContain("node gnh-node-3: GNH-DAEMON-ICC: WAIVED until 2099-12-31 by ml-platform@example.com (NCCL jobs on docker0 until INC-42 lands; waiver 1)");
        });

        it("an expired waiver fails loudly, with its date and owner", () => {
            const run = preview("--policy-pack-config", packConfig("expired", iccWaiver("2020-01-31")));
            expect(run.status).not.toBe(0);
            expect(run.text).toMatch(/\[mandatory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
            expect(run.text).toContain("node gnh-node-3: GNH-DAEMON-ICC: the waiver 1 (*-daemon-json, owner ml-platform@example.com: NCCL jobs on docker0 until INC-42 lands) expired on 2020-01-31");
        });

        it("remediate sets icc false on the resource's inputs, and secret inputs stay secret", () => {
            const run = preview("--diff", "--policy-pack-config", packConfig("remediate", { "GNH-DAEMON-ICC": "remediate" }));
            expectOk(run);
            expect(run.text).toMatch(/\[remediate\]\s+GNH-DAEMON-ICC\s+\(gnh:host:DockerDaemonConfig: gnh-node-1-daemon-json\)/);
            expect(run.text).toMatch(/icc\s+: true => false/);
            expect(run.text).not.toContain("PRIVATE KEY");
        });
    });

    it("takes enforcement levels per rule id, and refuses a malformed waiver with the reason", () => {
        const run = preview("--policy-pack-config", packConfig("levels", {
            "GNH-DAEMON-USERNS-REMAP": "disabled",
            "GNH-WAIVERS": { waivers: [{ rule: "GNH-DAEMON-ICCC", resource: "gnh-node-1-*", owner: "", reason: "typo", expires: "2026-02-30" }] },
        }));
        expect(run.status).not.toBe(0);
        expect(run.text).not.toContain("GNH-DAEMON-USERNS-REMAP");
        expect(run.text).toContain('GNH-WAIVERS: malformed waiver 1 (GNH-DAEMON-ICCC on gnh-node-1-*): "rule" "GNH-DAEMON-ICCC" is not a rule id (see docs/rules.md); "owner" is missing; "expires" "2026-02-30" is not a date YYYY-MM-DD');
    });
});

describe("CrossGuard pack: what a fleet file cannot express", () => {
    it("blocks an apt key without a pinned fingerprint, naming the node", () => {
        const stack = uniqueStackName("policy-nofpr");
        const pulumi = cli(stack, path.join(projectRoot, "test", "fixtures", "policy-fleet"));
        try {
            expectOk(pulumi("stack", "init"));
            expectOk(pulumi("config", "set", "fleetFile", fleetFile));
            expectOk(pulumi("config", "set", "mirrorFingerprint", ""));
            const run = pulumi("preview", "--policy-pack", policies);
            expect(run.status).not.toBe(0);
            expect(run.text).toMatch(new RegExp(`node (${LAB_NODE}): GNH-APT-PINNED-FINGERPRINT: \\1-toolkit: http://gnh-mirror/good/stable/deb/amd64 is signed by \\S+, which holds no key with a pinned fingerprint\\. Fix: Pin the repository key's primary fingerprint`));
        } finally {
            pulumi("stack", "rm", "--yes", "--force");
        }
    });

    describe("an input that is unknown at preview (icc computed from a resource created in the same program)", () => {
        const stack = uniqueStackName("policy-unknown");
        const pulumi = cli(stack, path.join(projectRoot, "test", "fixtures", "policy-unknowns"));
        beforeAll(() => {
            expectOk(pulumi("stack", "init"));
        });
        afterAll(() => {
            pulumi("stack", "rm", "--yes", "--force");
        });

        it("a mandatory rule still blocks, saying which value it could not see; other rules still judge", () => {
            const run = pulumi("preview", "--policy-pack", policies);
            expect(run.status).not.toBe(0);
            expect(run.text).toMatch(/\[mandatory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
            expect(run.text).toContain("node unknown-node: GNH-DAEMON-ICC: cannot verify at preview: the value at .settings.icc is unknown");
            expect(run.text).not.toContain("can't run policy");
            // only the rule that reads icc is affected
            expect(run.text.match(/cannot verify at preview/g)).toHaveLength(1);
            expect(run.text).toContain("node unknown-node: GNH-DAEMON-USERNS-REMAP");
        });

        it("unknownAtPreview defer leaves it to pulumi up, visibly", () => {
            const run = pulumi("preview", "--policy-pack", policies, "--policy-pack-config", packConfig("defer", { "GNH-DAEMON-ICC": { unknownAtPreview: "defer" } }));
            expectOk(run);
            expect(run.text).toMatch(/\[advisory\] \[severity: medium\]\s+GNH-DAEMON-ICC/);
            expect(run.text).toContain("node unknown-node: GNH-DAEMON-ICC: deferred to pulumi up: the value at .settings.icc is unknown at preview");
        });

        it("the engine refuses a config value outside the schema", () => {
            const run = pulumi("preview", "--policy-pack", policies, "--policy-pack-config", packConfig("bad", { "GNH-DAEMON-ICC": { unknownAtPreview: "later" } }));
            expect(run.status).not.toBe(0);
            expect(run.text).toContain('GNH-DAEMON-ICC: unknownAtPreview: unknownAtPreview must be one of the following: "block", "defer"');
        });
    });
});

afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
});
