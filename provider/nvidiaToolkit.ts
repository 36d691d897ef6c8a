// gnh:host:NvidiaToolkit — the NVIDIA Container Toolkit on one node: a repository key kept only
// if its primary fingerprint is the pinned one, one apt source signed-by that keyring (adopting
// the file NVIDIA's guide leaves), the four packages at one version and held, and the managed
// keys of config.toml. Key and source are staged and proven with `apt-get update --error-on=any`
// before anything in /etc/apt or /usr/share/keyrings changes.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual } from "../lib/daemonMerge";
import { connectionProblems } from "../lib/nodeConnection";
import { aptSourceLine, cdiSchemaProblem, debianVersion, readRuntimeConfig, RUNTIME_CONFIG_PATH, TOOLKIT_PACKAGES } from "../lib/toolkitConfig";
import { normalizeFingerprint } from "../rules/aptRules";
import { NodeError, sessionFor, SshSession } from "../transport/ssh";
import { ownedByAnother } from "../lib/destroyPlan";
import { readOwner } from "./ownerRecord";
import { remoteScript } from "../lib/remoteScripts";
import { NvidiaToolkitContract, NvidiaToolkitInputs, NvidiaToolkitOutputs, ToolkitRepository } from "../contracts/nvidiaToolkit";
import { inputsOf } from "../contracts/contract";

/** What a run does to the node's pin, for the policy pack: only a new or changed pin may be refused. */
export type PinChange = "new" | "changed" | "unchanged";

export function pinChangeOf(olds: Partial<NvidiaToolkitOutputs> | undefined, version: string | undefined): PinChange {
    const previous = olds?.appliedVersion ?? olds?.version;
    return previous === undefined ? "new" : previous === version ? "unchanged" : "changed";
}

export function check(news: Partial<NvidiaToolkitInputs>, olds?: Partial<NvidiaToolkitOutputs>): CheckResult {
    const node = news.connection?.name ?? "?";
    const failures: CheckFailure[] = connectionProblems(news.connection ?? {}).map((reason) => ({ property: "connection", reason }));
    if (typeof news.version !== "string" || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.~+]+)?$/.test(news.version)) {
        failures.push({ property: "version", reason: `node ${node}: toolkit version ${JSON.stringify(news.version)} is not a version such as "1.17.8"` });
    }
    const repo = news.repository;
    if (!repo || !/^https?:\/\/[^\s'"]+$/.test(repo.url ?? "") || !/^https?:\/\/[^\s'"]+$/.test(repo.keyUrl ?? "")) {
        failures.push({ property: "repository", reason: `node ${node}: repository.url and repository.keyUrl must be http(s) URLs` });
    }
    if (!repo || !/^[0-9A-F]{40}$/.test(repo.fingerprint ?? "")) {
        failures.push({ property: "repository", reason: `node ${node}: repository.fingerprint must be the key's 40-hex-digit primary fingerprint, upper case, no spaces (got ${JSON.stringify(repo?.fingerprint)})` });
    }
    for (const key of ["keyringPath", "listPath"] as const) {
        if (!repo || !/^\/[A-Za-z0-9._/-]+$/.test(repo[key] ?? "") || (repo[key] ?? "").includes("..")) {
            failures.push({ property: "repository", reason: `node ${node}: repository.${key} must be an absolute path` });
        }
    }
    return { inputs: { ...news, pinChange: pinChangeOf(olds, news.version) }, failures };
}

export function diff(olds: NvidiaToolkitOutputs, news: NvidiaToolkitInputs): DiffResult {
    const changes = olds.version !== news.version || !deepEqual(olds.repository, news.repository)
        || !deepEqual(olds.runtimeConfig, news.runtimeConfig)
        || !deepEqual(olds.connection, news.connection); // a rotated key or new address must reach the state
    const replaces = olds.connection.name !== news.connection.name ? ["connection"] : [];
    return { changes, replaces, deleteBeforeReplace: false };
}

const SOURCE_SCRIPT = remoteScript("toolkit-source", {}, ["gpg-primaries"]);

const PACKAGES_SCRIPT = remoteScript("toolkit-packages");

const CONFIG_SCRIPT = remoteScript("toolkit-config");

const DOCKER_VERSION_SCRIPT = remoteScript("docker-version");
const UNHOLD_SCRIPT = remoteScript("toolkit-unhold");

const STATE_SCRIPT = remoteScript("toolkit-state", { RUNTIME_CONFIG_PATH }, ["gpg-primaries", "toolkit-config-reading"]);

interface ToolkitState {
    readonly installed: Record<string, string>;
    readonly held: string[];
    readonly runtimeConfig: Record<string, string | boolean>;
    /** The apt list file's text ("" when absent) and the primary fingerprints in its keyring. */
    readonly listText: string;
    readonly keyring: readonly string[];
}

/** How the node's apt source differs from what we wrote (remote/toolkit-source.sh): empty when it does not. */
export function aptSourceDrift(repository: ToolkitRepository, state: Pick<ToolkitState, "listText" | "keyring">): string[] {
    const problems: string[] = [];
    if (state.listText !== aptSourceLine(repository.keyringPath, repository.url)) {
        problems.push(state.listText === "" ? `${repository.listPath} is missing` : `${repository.listPath} now reads ${JSON.stringify(state.listText.trim())}, not the line we wrote`);
    }
    const pinned = normalizeFingerprint(repository.fingerprint);
    if (state.keyring.length !== 1 || normalizeFingerprint(state.keyring[0]) !== pinned) {
        problems.push(`${repository.keyringPath} holds ${state.keyring.length > 0 ? state.keyring.join(", ") : "no key"}, not only ${pinned}`);
    }
    return problems;
}

async function readState(session: SshSession, managedKeys: readonly string[], repository: ToolkitRepository): Promise<ToolkitState> {
    const out = await session.read("reading the toolkit's packages, config and apt source", STATE_SCRIPT, [repository.listPath, repository.keyringPath, ...TOOLKIT_PACKAGES]);
    const installed: Record<string, string> = {};
    const held: string[] = [];
    let configText = "";
    let listText = "";
    let keyring: string[] = [];
    for (const line of out.split("\n")) {
        const [kind, ...rest] = line.trim().split(" ");
        if (kind === "pkg" && rest.length >= 3 && rest[2][1] === "i") { // "ii" or "hi" (held): installed
            installed[rest[0]] = rest[1];
        } else if (kind === "hold" && rest[0]) {
            held.push(rest[0]);
        } else if (kind === "config") {
            configText = Buffer.from(rest[0] ?? "", "base64").toString("utf8");
        } else if (kind === "list") {
            listText = Buffer.from(rest[0] ?? "", "base64").toString("utf8");
        } else if (kind === "keyring") {
            keyring = rest.filter((f) => f !== "");
        }
    }
    return { installed, held, runtimeConfig: readRuntimeConfig(configText, managedKeys), listText, keyring };
}

/** nvidia-ctk's `--set key=value` takes strings raw and booleans as true/false. */
function setArgument(key: string, value: string | boolean): string {
    return `${key}=${String(value)}`;
}

async function apply(inputs: NvidiaToolkitInputs): Promise<NvidiaToolkitOutputs> {
    const session = sessionFor(inputs.connection);
    const node = inputs.connection.name;
    const repo = inputs.repository;
    const version = debianVersion(inputs.version);
    const pins = TOOLKIT_PACKAGES.map((p) => `${p}=${version}`);
    // preflight, before anything changes: the engine must be able to read the specs this toolkit writes
    const docker = await session.run(DOCKER_VERSION_SCRIPT);
    const cdiProblem = cdiSchemaProblem(inputs.version, docker.code === 0 ? docker.stdout.trim() : undefined, inputs.runtimeConfig);
    if (cdiProblem !== undefined) {
        throw new NodeError(node, `nothing was changed: ${cdiProblem}`);
    }
    const source = await session.run(SOURCE_SCRIPT, [repo.keyUrl, repo.fingerprint, repo.url, repo.keyringPath, repo.listPath, ...pins], { timeoutMs: 600_000 });
    if (source.code !== 0) {
        throw new NodeError(node, `nothing was changed in the node's apt sources: ${source.stderr.trim() || `step failed with exit ${source.code}`}`);
    }
    const packages = await session.run(PACKAGES_SCRIPT, pins, { timeoutMs: 600_000 });
    if (packages.code !== 0) {
        throw new NodeError(node, `installing NVIDIA Container Toolkit ${version} from ${repo.url} failed: ${packages.stderr.trim()}`);
    }
    const settings = Object.entries(inputs.runtimeConfig).map(([k, v]) => setArgument(k, v));
    await session.check(`setting ${RUNTIME_CONFIG_PATH}`, CONFIG_SCRIPT, [RUNTIME_CONFIG_PATH, ...settings]);
    const state = await readState(session, Object.keys(inputs.runtimeConfig), repo);
    const wrong = TOOLKIT_PACKAGES.filter((p) => state.installed[p] !== version || !state.held.includes(p));
    if (wrong.length > 0) {
        throw new NodeError(node, `after the install, ${wrong.join(", ")} are not at ${version} and held (installed: ${JSON.stringify(state.installed)})`);
    }
    if (!deepEqual(state.runtimeConfig, inputs.runtimeConfig)) {
        throw new NodeError(node, `${RUNTIME_CONFIG_PATH} did not take the managed values: it has ${JSON.stringify(state.runtimeConfig)}`);
    }
    return { ...inputs, installed: state.installed, held: state.held, appliedVersion: inputs.version };
}

export async function create(inputs: NvidiaToolkitInputs): Promise<CreateResult> {
    return { id: `${inputs.connection.name}:nvidia-container-toolkit`, outs: await apply(inputs) };
}

export async function update(news: NvidiaToolkitInputs): Promise<UpdateResult> {
    return { outs: await apply(news) };
}

/** Refresh: packages, holds and config as they are; a difference shows up as drift in `version` or `runtimeConfig`. */
export async function read(id: string, props: NvidiaToolkitOutputs): Promise<ReadResult> {
    const session = sessionFor(props.connection);
    const state = await readState(session, Object.keys(props.runtimeConfig), props.repository);
    const wanted = debianVersion(props.version);
    const versions = new Set(TOOLKIT_PACKAGES.map((p) => state.installed[p] ?? "absent"));
    const allHeld = TOOLKIT_PACKAGES.every((p) => state.held.includes(p));
    const observedVersion = versions.size === 1 && versions.has(wanted) && allHeld
        ? props.version
        : TOOLKIT_PACKAGES.map((p) => `${p}=${state.installed[p] ?? "absent"}${state.held.includes(p) ? "" : " (not held)"}`).join(", ");
    const inputs = inputsOf(NvidiaToolkitContract, props);
    // the apt source and keyring are ours: any edit (trusted=yes, another key) shows as drift and up rewrites them
    const sourceDrift = aptSourceDrift(props.repository, state);
    const repository = sourceDrift.length > 0 ? { ...props.repository, drift: sourceDrift } : props.repository;
    const observed = { ...inputs, version: observedVersion, runtimeConfig: state.runtimeConfig, repository, appliedVersion: props.appliedVersion ?? props.version };
    return { id, props: { ...observed, installed: state.installed, held: state.held }, inputs: observed };
}

/** Destroy releases the holds and leaves the packages: removing a runtime under running GPU jobs is not ours to do. */
export async function remove(props: NvidiaToolkitOutputs): Promise<void> {
    const session = sessionFor(props.connection);
    if (ownedByAnother(await readOwner(session), props.connection.name)) {
        return; // renamed in the fleet: the node's new resource holds the packages now
    }
    await session.check("releasing the package holds", UNHOLD_SCRIPT, [...TOOLKIT_PACKAGES]);
}
