// One writer per node and verified writes, on the lab over real SSH (issue #19), on gnh-node-5
// (reset first and last): a transfer cut short leaves daemon.json as it was and no temporary file;
// a run that finds the node's lock taken waits naming the holder, gives up naming it with the
// node untouched, and two `up`s of two stacks on one node at once both finish, one after the other.
import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remoteScript } from "../../lib/remoteScripts";
import { sha256Hex } from "../../lib/sha256";
import { remoteCommand } from "../../lib/shellQuote";
import { WRITE_SCRIPT } from "../../provider/daemonOnNode";
import { NODE_LOCK } from "../../transport/nodeLock";
import { uniqueStackName } from "../support/engine";
import { fleetCli, fleetCliAsync, initNodeStack, labDir, onNodeOk, requireLab, resetNode } from "../support/lab";

const node = "gnh-node-5";
const stacks = [uniqueStackName("e2e-lock-a"), uniqueStackName("e2e-lock-b")];
const [first, second] = stacks.map(fleetCli);
const [upFirst, upSecond] = stacks.map((stack) => {
    const cli = fleetCliAsync(stack);
    return (env: Record<string, string> = {}, ...flags: string[]) => cli(env, "up", "--yes", "--skip-preview", ...flags);
});
const sshToNode = (command: string) => spawn("ssh", ["-F", path.join(labDir, "ssh_config"), "-o", "BatchMode=yes", node, "--", command], { stdio: ["pipe", "pipe", "pipe"] });
const daemonJsonState = () => onNodeOk(node, "sha256sum /etc/docker/daemon.json; stat -c '%a' /etc/docker/daemon.json; find /etc/docker -name '*gnh-tmp*'").trim();

/** Holds the node's lock as a run would, over SSH, until released. */
async function holdLock(holder: string): Promise<ChildProcessWithoutNullStreams> {
    const child = sshToNode(remoteCommand(remoteScript("node-lock", { NODE_LOCK }), [holder, "0"]));
    await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
        child.on("close", (code) => reject(new Error(`the test could not take the lock (exit ${code})`)));
    });
    return child;
}

beforeAll(() => {
    requireLab();
    resetNode(node);
    expect(initNodeStack(first, node)).toBe(true);
    expect(initNodeStack(second, node)).toBe(true);
});

afterAll(() => {
    first("stack", "rm", "--yes", "--force");
    second("stack", "rm", "--yes", "--force");
    resetNode(node);
});

describe(`verified writes over real SSH (${node})`, () => {
    it("a transfer cut short (the sender killed mid-stream) leaves daemon.json as it was and no temporary file", async () => {
        onNodeOk(node, `printf '{"debug": false}\\n' > /etc/docker/daemon.json && chmod 600 /etc/docker/daemon.json`);
        const before = daemonJsonState();
        const content = `${JSON.stringify({ icc: false, "log-opts": { "max-size": "x".repeat(200_000) } }, null, 2)}\n`;
        const sender = sshToNode(remoteCommand(WRITE_SCRIPT, ["no-backup", sha256Hex(content)]));
        sender.stdin.write(content.slice(0, 50_000));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        sender.kill("SIGKILL");
        await new Promise((resolve) => sender.on("close", resolve));
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // the node's side notices the hang-up
        expect(daemonJsonState()).toBe(before);
        expect(onNodeOk(node, "ls -a /etc/docker")).not.toMatch(/gnh-tmp/);
        onNodeOk(node, "rm -f /etc/docker/daemon.json");
    });
});

describe(`one writer per node (${node})`, () => {
    it("a run that finds the node locked gives up naming the holder, and changes nothing", async () => {
        const holder = await holdLock("the e2e test's holder");
        try {
            const before = daemonJsonState();
            const up = await upFirst({ GNH_NODE_LOCK_WAIT_SECONDS: "2" });
            expect(up.status, up.text).not.toBe(0);
            expect(up.text).toMatch(new RegExp(`node ${node}: another run holds the node's lock and did not release it within 2s: the e2e test's holder; nothing was changed`));
            expect(daemonJsonState()).toBe(before);
        } finally {
            holder.stdin.end();
        }
    });

    it("a run waits for the holder, says whom it waits for, and goes on when the lock is free", async () => {
        const holder = await holdLock("the e2e test's holder");
        const up = upFirst();
        await new Promise((resolve) => setTimeout(resolve, 8_000));
        expect(onNodeOk(node, "cat /etc/docker/daemon.json 2>/dev/null || true")).not.toContain("no-new-privileges");
        holder.stdin.end();
        const done = await up;
        expect(done.status, done.text).toBe(0);
        expect(done.text).toContain(`node ${node}: waiting for the node's lock, held by the e2e test's holder`);
        expect(onNodeOk(node, "cat /etc/docker/daemon.json")).toContain("no-new-privileges");
    });

    it("two `up`s of two stacks on one node at once both finish; the later one waited, naming the first", async () => {
        // the first stack repairs drift, the second hardens the node for the first time: both write
        onNodeOk(node, `sed -i 's/"icc": false/"icc": true/' /etc/docker/daemon.json`);
        const [a, b] = await Promise.all([upFirst({}, "--refresh"), upSecond()]);
        expect(a.status, a.text).toBe(0);
        expect(b.status, b.text).toBe(0);
        const waited = [a.text, b.text].filter((t) => t.includes("waiting for the node's lock, held by pulumi run of"));
        expect(waited.length, `${a.text}\n---\n${b.text}`).toBe(1);
        expect(onNodeOk(node, "grep -c '\"icc\": false' /etc/docker/daemon.json").trim()).toBe("1");
        expect(onNodeOk(node, `ls ${path.dirname(NODE_LOCK)}`)).not.toContain("gnh-apply.lock.holder");
    });
});
