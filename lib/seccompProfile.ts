// The seccomp profile we deploy: Docker's default profile (moby/profiles/seccomp, fetched by
// set-up from the Go module proxy) with documented changes for GPU hosts. Pure.
//
// Tightened: ptrace, process_vm_readv, process_vm_writev and kcmp are allowed only to containers
// given CAP_SYS_PTRACE (Docker's default allows the first three to every container on kernels
// >= 4.8): reading or writing another process's memory is what a debugger needs, not a training
// job; cuda-gdb users add --cap-add SYS_PTRACE on purpose. name_to_handle_at is removed (file
// handles are half of the "shocker" escape; no CUDA path uses them).
// Kept for CUDA: ioctl, mmap, open on /dev/nvidia* (the default allows them), and the NUMA
// calls mbind, set_mempolicy, get_mempolicy, which NCCL and libnuma use to place buffers next to
// the GPU; they only steer the caller's own memory, so they are allowed without CAP_SYS_NICE.

export interface SeccompRule {
    names: string[];
    action: string;
    includes?: { caps?: string[]; minKernel?: string; arches?: string[] };
    excludes?: { caps?: string[]; arches?: string[] };
    args?: unknown[];
    comment?: string;
}

export interface SeccompProfileJson {
    defaultAction: string;
    defaultErrnoRet?: number;
    archMap?: unknown[];
    syscalls: SeccompRule[];
}

export const PTRACE_FAMILY = ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp"];
export const REMOVED = ["name_to_handle_at"];
export const NUMA_CALLS = ["mbind", "set_mempolicy", "get_mempolicy"];

const isUnconditional = (rule: SeccompRule) => !rule.includes?.caps && !rule.excludes?.caps && !rule.args;

export function hardenSeccompProfile(base: SeccompProfileJson): SeccompProfileJson {
    if (base.defaultAction !== "SCMP_ACT_ERRNO" || !Array.isArray(base.syscalls)) {
        throw new Error("the base seccomp profile is not Docker's default (defaultAction SCMP_ACT_ERRNO with a syscalls list)");
    }
    const syscalls: SeccompRule[] = [];
    for (const rule of base.syscalls) {
        let names = rule.names.filter((n) => !REMOVED.includes(n));
        if (rule.action === "SCMP_ACT_ALLOW" && isUnconditional(rule)) {
            names = names.filter((n) => !PTRACE_FAMILY.includes(n));
        }
        if (rule.action === "SCMP_ACT_ALLOW" && rule.includes?.caps?.includes("CAP_SYS_NICE")) {
            names = names.filter((n) => !NUMA_CALLS.includes(n));
        }
        if (names.length > 0) {
            syscalls.push({ ...structuredClone(rule), names });
        }
    }
    syscalls.push({ names: [...NUMA_CALLS], action: "SCMP_ACT_ALLOW", comment: "gpu-node-hardening: NUMA placement for NCCL/libnuma" });
    if (!syscalls.some((r) => r.includes?.caps?.includes("CAP_SYS_PTRACE") && PTRACE_FAMILY.every((n) => r.names.includes(n)))) {
        syscalls.push({ names: [...PTRACE_FAMILY], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_PTRACE"] }, comment: "gpu-node-hardening: debuggers only" });
    }
    return { ...structuredClone(base), syscalls };
}

/** Is this syscall allowed to a container with these capabilities (ignoring argument filters)? */
export function allows(profile: SeccompProfileJson, syscall: string, caps: readonly string[] = []): boolean {
    return profile.syscalls.some((rule) => rule.action === "SCMP_ACT_ALLOW" && rule.names.includes(syscall)
        && (rule.includes?.caps ?? []).every((c) => caps.includes(c))
        && !(rule.excludes?.caps ?? []).some((c) => caps.includes(c)));
}

/**
 * The file SeccompProfile deploys: the hardened profile as 2-space JSON with a final newline. The
 * audit hashes the same text to recognise it on a node, so there is one rendering only.
 */
export function renderHardenedProfile(base: SeccompProfileJson): string {
    return `${JSON.stringify(hardenSeccompProfile(base), null, 2)}\n`;
}
