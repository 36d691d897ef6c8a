// Peak resident memory of a process and all its descendants (the CLI, its language host, the
// providers it starts), sampled from /proc: GNU time's %M sees one process at a time. Linux only.
import * as fs from "node:fs";

const PAGE_BYTES = 4096;

function children(): Map<number, number[]> {
    const byParent = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone between the listing and the read
        }
    }
    return byParent;
}

function residentBytes(pid: number): number {
    try {
        return Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES;
    } catch {
        return 0;
    }
}

/** The tree's resident bytes now. */
export function treeResidentBytes(root: number): number {
    const byParent = children();
    let total = 0;
    const stack = [root];
    while (stack.length > 0) {
        const pid = stack.pop()!;
        total += residentBytes(pid);
        stack.push(...(byParent.get(pid) ?? []));
    }
    return total;
}

/** Samples the tree every intervalMs until stopped; peak() is the largest total seen. */
export function sampleTreeMemory(root: number, intervalMs = 500): { stop(): number } {
    let peak = treeResidentBytes(root);
    const timer = setInterval(() => { peak = Math.max(peak, treeResidentBytes(root)); }, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            return peak;
        },
    };
}
