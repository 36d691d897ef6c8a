// `lab down` removes every container, volume and network of the lab, and .lab/. It takes the
// shared lab away, so it runs only when asked (GNH_LAB_TEST_DOWN=1): CI runs it after every other
// end-to-end file (scripts/test.sh), which also leaves the machine without a lab after CI.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/engine";

const labDir = path.join(projectRoot, ".lab");
const run = (command: string, args: readonly string[]) => spawnSync(command, args, { cwd: projectRoot, encoding: "utf8", timeout: 300_000 });
const listed = (kind: "ps" | "volume" | "network", extra: readonly string[] = []) => {
    const args = kind === "ps" ? ["ps", "-aq", ...extra] : [kind, "ls", "-q", ...extra];
    return run("docker", [...args, "--filter", "label=gnh.lab"]).stdout.trim();
};

describe.skipIf(process.env.GNH_LAB_TEST_DOWN !== "1")("lab down (GNH_LAB_TEST_DOWN=1)", () => {
    it("removes the nodes, the mirror, the registry and its data, the network, and .lab/", () => {
        // there is something to remove: nodes, mirror and registry containers, volumes, the network
        expect(listed("ps").split("\n").length).toBeGreaterThanOrEqual(3);
        expect(listed("volume")).not.toBe("");
        expect(run("docker", ["network", "inspect", "gnh-lab"]).status).toBe(0);

        const down = run("bash", ["lab/lab.sh", "down"]);
        expect(down.status, `${down.stdout}${down.stderr}`).toBe(0);
        expect(listed("ps")).toBe("");
        expect(listed("volume")).toBe("");
        expect(listed("network")).toBe("");
        expect(run("docker", ["network", "inspect", "gnh-lab"]).status).not.toBe(0);
        expect(fs.existsSync(labDir)).toBe(false);
        expect(run("bash", ["lab/lab.sh", "status"]).stdout).toMatch(/lab is down/);
    });
});
