// gnh:host:File — one file on a node with its content, owner, group and mode; written
// atomically (temp file + rename), validated first when a validator is named, and read back
// on refresh so that changes made on the node show up as drift.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual } from "../lib/daemonMerge";
import { jsonFileNames } from "../lib/destroyPlan";
import { connectionProblems } from "../lib/nodeConnection";
import { NodeError, sessionFor } from "../transport/ssh";
import { remoteScript } from "../lib/remoteScripts";
import { sha256Hex } from "../lib/sha256";
import { ManagedFileContract, ManagedFileInputs, ManagedFileOutputs } from "../contracts/managedFile";
import { inputsOf } from "../contracts/contract";


export function check(news: Partial<ManagedFileInputs>): CheckResult {
    const failures: CheckFailure[] = connectionProblems(news.connection ?? {}).map((reason) => ({ property: "connection", reason }));
    const node = news.connection?.name ?? "?";
    if (typeof news.path !== "string" || !news.path.startsWith("/") || news.path.includes("\0") || news.path.split("/").includes("..")) {
        failures.push({ property: "path", reason: `node ${node}: path ${JSON.stringify(news.path)} must be an absolute path without ".."` });
    }
    if (typeof news.content !== "string") {
        failures.push({ property: "content", reason: `node ${node}: ${news.path}: content must be a string` });
    }
    if (typeof news.mode !== "string" || !/^0?[0-7]{3}$/.test(news.mode)) {
        failures.push({ property: "mode", reason: `node ${node}: ${news.path}: mode ${JSON.stringify(news.mode)} must be octal permission bits such as "0644"` });
    }
    const namedBy = news.keepWhileNamedBy;
    if (namedBy !== undefined && (typeof namedBy !== "object" || namedBy === null || typeof namedBy.file !== "string" || !namedBy.file.startsWith("/") || typeof namedBy.key !== "string" || namedBy.key === "")) {
        failures.push({ property: "keepWhileNamedBy", reason: `node ${node}: ${news.path}: keepWhileNamedBy must be {file: an absolute path, key: a top-level key}` });
    }
    for (const key of ["owner", "group"] as const) {
        if (typeof news[key] !== "string" || !/^[a-z_][a-z0-9_-]*$/.test(news[key] as string)) {
            failures.push({ property: key, reason: `node ${node}: ${news.path}: ${key} ${JSON.stringify(news[key])} is not a user or group name` });
        }
    }
    return { inputs: news, failures };
}

const normalMode = (mode: string) => mode.padStart(4, "0");

export function diff(olds: ManagedFileOutputs, news: ManagedFileInputs): DiffResult {
    const changes = olds.content !== news.content || olds.owner !== news.owner || olds.group !== news.group
        || normalMode(olds.mode) !== normalMode(news.mode) || olds.path !== news.path || Boolean(olds.keepOnDelete) !== Boolean(news.keepOnDelete)
        || !deepEqual(olds.keepWhileNamedBy, news.keepWhileNamedBy) // destroy acts on the recorded value
        || !deepEqual(olds.connection, news.connection); // a rotated key or new address must reach the state
    const replaces = olds.path !== news.path || olds.connection.name !== news.connection.name ? ["path"] : [];
    return { changes, replaces, deleteBeforeReplace: false };
}

const WRITE_SCRIPT = remoteScript("file-write", {}, ["install-file", "receive-verified"]);

const STAT_SCRIPT = remoteScript("file-stat");

async function write(inputs: ManagedFileInputs): Promise<ManagedFileOutputs> {
    const session = sessionFor(inputs.connection);
    await session.check(`writing ${inputs.path}`, WRITE_SCRIPT, [inputs.path, inputs.owner, inputs.group, normalMode(inputs.mode), sha256Hex(inputs.content)], { stdin: inputs.content });
    return { ...inputs, sha256: sha256Hex(inputs.content) };
}

export async function create(inputs: ManagedFileInputs): Promise<CreateResult> {
    return { id: `${inputs.connection.name}:${inputs.path}`, outs: await write(inputs) };
}

export async function update(news: ManagedFileInputs): Promise<UpdateResult> {
    return { outs: await write(news) };
}

export async function read(id: string, props: ManagedFileOutputs): Promise<ReadResult> {
    const session = sessionFor(props.connection);
    const out = (await session.read(`reading ${props.path}`, STAT_SCRIPT, [props.path])).trim();
    const inputs = inputsOf(ManagedFileContract, props);
    if (out === "absent") {
        const drifted = { ...inputs, content: "" };
        return { id, props: { ...props, content: "", sha256: "absent" }, inputs: drifted };
    }
    const [hash, owner, group, mode] = out.split(" ");
    // Content is compared by hash: a drifted file shows as a content change without copying it back.
    const content = hash === props.sha256 ? props.content : `<changed on the node: sha256 ${hash}>`;
    const observed = { ...inputs, content, owner, group, mode: normalMode(mode) };
    return { id, props: { ...observed, sha256: hash }, inputs: observed };
}

const READ_SCRIPT = remoteScript("file-read");
const REMOVE_SCRIPT = remoteScript("file-remove");

export async function remove(props: ManagedFileOutputs): Promise<void> {
    if (props.keepOnDelete) {
        return;
    }
    const session = sessionFor(props.connection);
    const namedBy = props.keepWhileNamedBy;
    if (namedBy !== undefined) {
        const [kind, data] = (await session.check(`reading ${namedBy.file}`, READ_SCRIPT, [namedBy.file])).trim().split(" ");
        const text = kind === "file" ? Buffer.from(data ?? "", "base64").toString("utf8") : undefined;
        if (jsonFileNames(text, namedBy.key, props.path)) {
            return;
        }
    }
    const result = await session.run(REMOVE_SCRIPT, [props.path]);
    if (result.code !== 0) {
        throw new NodeError(props.connection.name, `removing ${props.path} failed: ${result.stderr.trim()}`);
    }
}
