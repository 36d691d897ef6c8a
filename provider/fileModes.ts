// gnh:host:FileModes — owner, group and the most permissive mode of files that CIS section 3
// names and that we do not write ourselves (docker.service, docker.socket, /etc/docker,
// daemon.json, /etc/default/docker). Only existing files are touched; a mode is tightened by
// clearing the bits that are not allowed (lib/fileModes.ts), so a stricter mode is kept.
// Refresh reads them again: a loosened file is drift, repaired by `up --refresh`.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual } from "../lib/daemonMerge";
import { describeFix, ModeExpectation, ObservedFile, parseObserved, planModeFixes, statArguments } from "../lib/fileModes";
import { connectionProblems } from "../lib/nodeConnection";
import { NodeError, sessionFor, SshSession } from "../transport/ssh";
import { remoteScript } from "../lib/remoteScripts";
import { FileModesContract, FileModesInputs, FileModesOutputs } from "../contracts/fileModes";
import { inputsOf } from "../contracts/contract";

export function check(news: Partial<FileModesInputs>): CheckResult {
    const failures: CheckFailure[] = connectionProblems(news.connection ?? {}).map((reason) => ({ property: "connection", reason }));
    const node = news.connection?.name ?? "?";
    if (!Array.isArray(news.files)) {
        failures.push({ property: "files", reason: `node ${node}: files must be a list of {paths, owner, group, mode}` });
        return { inputs: news, failures };
    }
    for (const file of news.files) {
        const paths: readonly unknown[] = Array.isArray(file?.paths) ? file.paths : [];
        if (paths.length === 0 || paths.some((p) => typeof p !== "string" || !p.startsWith("/") || /\s/.test(p) || p.split("/").includes(".."))) {
            failures.push({ property: "files", reason: `node ${node}: paths ${JSON.stringify(file?.paths)} must be absolute paths without spaces or ".."` });
        }
        if (typeof file?.mode !== "string" || !/^0?[0-7]{3}$/.test(file.mode)) {
            failures.push({ property: "files", reason: `node ${node}: mode ${JSON.stringify(file?.mode)} must be octal permission bits such as "644"` });
        }
        for (const key of ["owner", "group"] as const) {
            if (typeof file?.[key] !== "string" || !/^[a-z_][a-z0-9_-]*$/.test(file[key])) {
                failures.push({ property: "files", reason: `node ${node}: ${key} ${JSON.stringify(file?.[key])} is not a user or group name` });
            }
        }
    }
    return { inputs: news, failures };
}

export function diff(olds: FileModesOutputs, news: FileModesInputs): DiffResult {
    const changes = !deepEqual(olds.files, news.files) || !deepEqual(olds.connection, news.connection) || (olds.drift ?? []).length > 0;
    return { changes, replaces: olds.connection.name !== news.connection.name ? ["connection"] : [], deleteBeforeReplace: false };
}

// Paths as arguments: "PATH USER GROUP MODE", "PATH -" when absent, "PATH L" for a symlink.
const STAT_SCRIPT = remoteScript("file-modes-stat", {}, ["stat-paths"]);
const FIX_SCRIPT = remoteScript("file-modes-fix");

const allPaths = (files: readonly ModeExpectation[]) => statArguments(files.flatMap((f) => f.paths));

async function observe(session: SshSession, files: readonly ModeExpectation[]): Promise<ObservedFile[]> {
    return parseObserved(await session.read("reading owners and modes", STAT_SCRIPT, allPaths(files)));
}

async function apply(inputs: FileModesInputs): Promise<FileModesOutputs> {
    const session = sessionFor(inputs.connection);
    const fixes = planModeFixes(inputs.files, await observe(session, inputs.files));
    if (fixes.length > 0) {
        await session.check("setting owners and modes (CIS section 3)", FIX_SCRIPT, fixes.flatMap((f) => [f.path, f.chown ?? "", f.chmod ?? ""]));
    }
    const observed = await observe(session, inputs.files);
    const left = planModeFixes(inputs.files, observed);
    if (left.length > 0) {
        throw new NodeError(inputs.connection.name, `owners and modes did not take: ${left.map(describeFix).join("; ")}`);
    }
    return { ...inputs, observed, fixed: fixes.map(describeFix), drift: [] };
}

export async function create(inputs: FileModesInputs): Promise<CreateResult> {
    return { id: `${inputs.connection.name}:file-modes`, outs: await apply(inputs) };
}

export async function update(news: FileModesInputs): Promise<UpdateResult> {
    return { outs: await apply(news) };
}

export async function read(id: string, props: FileModesOutputs): Promise<ReadResult> {
    const observed = await observe(sessionFor(props.connection), props.files);
    const drift = planModeFixes(props.files, observed).map(describeFix);
    const inputs = inputsOf(FileModesContract, props);
    return { id, props: { ...props, observed, drift }, inputs: drift.length > 0 ? { ...inputs, drift } : inputs };
}

/** Destroy changes nothing: tightened modes stay tightened. */
export async function remove(): Promise<void> {
    return;
}
