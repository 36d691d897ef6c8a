import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { fleetFromStack } from "../../audit/stackFleet";

describe("audit --stack", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-stack-"));

    it("reads the fleet file and node subset from the stack's configuration", () => {
        fs.writeFileSync(path.join(root, "Pulumi.lab.yaml"), [
            "encryptionsalt: v1:abc",
            "config:",
            "  gpu-node-hardening:fleetFile: fleets/lab.yaml",
            "  gpu-node-hardening:nodes:",
            "    - gpu-01",
        ].join("\n"));
        expect(fleetFromStack(root, "lab")).toEqual({ fleetFile: path.join(root, "fleets", "lab.yaml"), nodes: ["gpu-01"] });
    });

    it("names the stack and what to set when something is missing", () => {
        expect(() => fleetFromStack(root, "nope")).toThrow(/stack nope has no configuration file .*Pulumi\.nope\.yaml \(create it with: npm run pulumi -- stack init nope\)/);
        fs.writeFileSync(path.join(root, "Pulumi.empty.yaml"), "config: {}\n");
        expect(() => fleetFromStack(root, "empty")).toThrow(/stack empty has no gpu-node-hardening:fleetFile \(set it with: npm run pulumi -- config set fleetFile PATH --stack empty\)/);
        expect(() => fleetFromStack(root, "../etc")).toThrow(/is not a stack name/);
    });
});
