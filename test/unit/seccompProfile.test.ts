import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { allows, hardenSeccompProfile, SeccompProfileJson } from "../../lib/seccompProfile";
import { mobyDefaultProfilePath } from "../../lib/toolsPaths";

const base = JSON.parse(fs.readFileSync(mobyDefaultProfilePath(path.resolve(__dirname, "..", "..")), "utf8")) as SeccompProfileJson;
const hardened = hardenSeccompProfile(base);

describe("the GPU seccomp profile", () => {
    it("starts from Docker's default (deny by default)", () => {
        expect(hardened.defaultAction).toBe("SCMP_ACT_ERRNO");
        expect(allows(base, "ptrace")).toBe(true);
    });

    it("allows ptrace and cross-process memory access only with CAP_SYS_PTRACE", () => {
        for (const call of ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp"]) {
            expect(allows(hardened, call)).toBe(false);
            expect(allows(hardened, call, ["CAP_SYS_PTRACE"])).toBe(true);
        }
    });

    it("removes name_to_handle_at", () => {
        expect(allows(hardened, "name_to_handle_at")).toBe(false);
        expect(allows(base, "name_to_handle_at")).toBe(true);
    });

    it("keeps what CUDA needs: ioctl, mmap, openat, and the NUMA calls without CAP_SYS_NICE", () => {
        for (const call of ["ioctl", "mmap", "openat", "mbind", "set_mempolicy", "get_mempolicy", "clone", "futex"]) {
            expect(allows(hardened, call), call).toBe(true);
        }
    });

    it("blocks what Docker's default blocks", () => {
        for (const call of ["mount", "bpf", "perf_event_open", "kexec_load", "io_uring_setup"]) {
            expect(allows(hardened, call), call).toBe(false);
        }
    });

    it("refuses a base that is not deny-by-default", () => {
        expect(() => hardenSeccompProfile({ ...base, defaultAction: "SCMP_ACT_ALLOW" })).toThrow(/not Docker's default/);
    });
});
