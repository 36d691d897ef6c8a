import { describe, expect, it } from "vitest";
import fleetSchema from "../../schemas/fleet.schema.json";
import { CDI_DEVICE_NAME, CDI_DEVICE_REFERENCE, HOST_KEY } from "../../lib/patterns";

describe("shared patterns", () => {
    it("the fleet file's schema pins host keys with the same pattern as the code", () => {
        const schema = fleetSchema as unknown as { definitions?: Record<string, unknown>; properties: Record<string, unknown> };
        const text = JSON.stringify(schema);
        const patterns = [...text.matchAll(/"pattern":"(\^\(ssh-ed25519[^"]*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
        expect(patterns.length).toBeGreaterThan(0);
        for (const pattern of patterns) {
            expect(pattern).toBe(HOST_KEY.source);
        }
    });

    it("a CDI name we accept is always a CDI reference we recognise", () => {
        for (const name of ["nvidia.com/gpu=0", "nvidia.com/gpu=GPU-8f6c1f2e", "nvidia.com/mig=0:1"]) {
            expect(CDI_DEVICE_NAME.test(name) && CDI_DEVICE_REFERENCE.test(name), name).toBe(true);
        }
        expect(CDI_DEVICE_NAME.test("nvidia.com/gpu=$(id)")).toBe(false);
        expect(CDI_DEVICE_REFERENCE.test("nvidia.com/gpu=$(id)")).toBe(true);
    });
});
