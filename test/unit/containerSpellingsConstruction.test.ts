// The third judge of issue #17's table: HardenedGpuContainer refuses, at construction and naming
// the argument, every forbidden spelling that one of its arguments can express; the others (security
// options, devices, cgroup settings, groups) have no argument, so its containers never carry them.
import { describe, expect, it } from "vitest";
import { GpuContainerArgsError, GpuContainerSettings, gpuContainerSpec } from "../../lib/containerSpec";
import { SPELLINGS, Spelling } from "../support/containerSpellings";

const base: GpuContainerSettings = { image: `nvcr.io/nvidia/cuda@sha256:${"0".repeat(64)}`, user: "1000:1000", gpus: ["0"], memoryMb: 1024, cpus: 1 };

type Inputs = { user?: string; mounts?: { source: string; target: string; readOnly?: boolean; type: string }[]; ports?: { ip?: string; internal: number; external: number }[]; gpus?: string; devices?: { hostPath: string }[] };

/** The HardenedGpuContainer arguments that say what a row says, with the argument its refusal must name; undefined when none can. */
function asArguments(row: Spelling): { settings: GpuContainerSettings; argument: string } | undefined {
    if (row.inputs === "not visible at preview") {
        return undefined;
    }
    const inputs = row.inputs as Inputs;
    const bind = inputs.mounts?.find((m) => m.type === "bind");
    if (inputs.user !== undefined) {
        return { settings: { ...base, user: inputs.user }, argument: '"user"' };
    }
    if (bind !== undefined && bind.readOnly === false) {
        return { settings: { ...base, hostPaths: [{ source: bind.source, target: bind.target }], writableHostPaths: [bind.source] }, argument: '"writableHostPaths"' };
    }
    if (bind !== undefined) {
        return { settings: { ...base, hostPaths: [{ source: bind.source, target: bind.target }] }, argument: '"hostPaths"' };
    }
    if (inputs.ports !== undefined) {
        return { settings: { ...base, ports: inputs.ports.map((p) => ({ internal: p.internal, external: p.external })), bindAddress: inputs.ports[0].ip }, argument: inputs.ports[0].ip === undefined ? '"ports"' : '"bindAddress"' };
    }
    if (inputs.gpus !== undefined) {
        return { settings: { ...base, gpus: [inputs.gpus] }, argument: '"gpus"' };
    }
    if (inputs.devices?.[0]?.hostPath.includes("=")) {
        return { settings: { ...base, gpus: [inputs.devices[0].hostPath] }, argument: '"gpus"' };
    }
    return undefined;
}

const expressible = SPELLINGS.filter((row) => row.verdict === "fail" && asArguments(row) !== undefined);

describe("HardenedGpuContainer against the differential table", () => {
    it("can express a good share of the forbidden spellings through its arguments", () => {
        expect(expressible.length).toBeGreaterThanOrEqual(20);
    });

    it.each(expressible.map((row) => [`${row.class}: ${row.spelling}`, row] as const))("refuses %s, naming the argument", (_name, row) => {
        const { settings, argument } = asArguments(row)!;
        let error: unknown;
        try {
            gpuContainerSpec("sp", settings);
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(GpuContainerArgsError);
        expect((error as Error).message).toContain(argument);
    });
});
