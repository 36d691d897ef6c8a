// The resource contracts: refresh reports exactly the contract's inputs from a resource's state.
import { describe, expect, it } from "vitest";
import { inputsOf } from "../../contracts/contract";
import { DockerDaemonConfigContract, DockerDaemonConfigOutputs } from "../../contracts/dockerDaemonConfig";
import { ManagedFileContract, ManagedFileOutputs } from "../../contracts/managedFile";

const connection = { name: "gpu-1", host: "127.0.0.1", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA", privateKey: "k" };

describe("inputsOf", () => {
    it("keeps every input, drops every output, and leaves an absent optional input absent", () => {
        const state: ManagedFileOutputs = { connection, path: "/etc/x", content: "x\n", owner: "root", group: "root", mode: "0644", sha256: "abc" };
        expect(inputsOf(ManagedFileContract, state)).toEqual({ connection, path: "/etc/x", content: "x\n", owner: "root", group: "root", mode: "0644" });
        expect("keepOnDelete" in inputsOf(ManagedFileContract, state)).toBe(false);
    });

    it("includes an input a hand-written list once forgot (the daemon's maxParallelRestarts)", () => {
        const state: DockerDaemonConfigOutputs = { connection, settings: { icc: false }, maxParallelRestarts: 2, onDestroy: "keep", effective: { icc: false }, effectiveHash: "h", dockerVersion: "26.1", notes: [] };
        expect(inputsOf(DockerDaemonConfigContract, state)).toEqual({ connection, settings: { icc: false }, maxParallelRestarts: 2, onDestroy: "keep" });
    });

    it("knows every key of every contract as input or output, never both", () => {
        for (const contract of [ManagedFileContract, DockerDaemonConfigContract]) {
            const inputs = Object.keys(contract.inputs);
            expect(Object.keys(contract.outputs).filter((k) => inputs.includes(k))).toEqual([]);
            expect(Object.keys(contract.defaults).every((k) => inputs.includes(k))).toBe(true);
        }
    });
});
