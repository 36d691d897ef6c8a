// The unit-test harness itself: mocks installed before the code under test is imported
// register resources without an engine.
import type * as pulumiTypes from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { installMocks, valueOf } from "../support/mocks";

const registered = installMocks();

describe("pulumi mocks under vitest", () => {
    it("records resources and resolves outputs", async () => {
        const pulumi = await import("@pulumi/pulumi");
        class Probe extends pulumi.CustomResource {
            public readonly path!: pulumiTypes.Output<string>;
            constructor(name: string, args: { path: string }) {
                super("gnh:test:Probe", name, { path: args.path });
            }
        }
        const probe = new Probe("probe", { path: "/etc/docker/daemon.json" });
        expect(await valueOf(probe.path)).toBe("/etc/docker/daemon.json");
        expect(registered.map((r) => r.type)).toContain("gnh:test:Probe");
    });
});
