// gnh:host:NvidiaToolkit — the NVIDIA Container Toolkit on one node: a repository key kept only
// if its primary fingerprint is the pinned one, one apt source signed-by that keyring (adopting
// the file NVIDIA's guide leaves), the four packages at one version and held, and the managed
// keys of config.toml. Key and source are staged and proven with `apt-get update --error-on=any`
// before anything in /etc/apt or /usr/share/keyrings changes.
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { deepEqual } from "../lib/daemonMerge";
import { connectionProblems, NodeConnection } from "../lib/nodeConnection";
import { cdiSchemaProblem, debianVersion, readRuntimeConfig, RUNTIME_CONFIG_PATH, RuntimeConfig, TOOLKIT_PACKAGES } from "../lib/toolkitConfig";
import { NodeError, sessionFor, SshSession } from "./ssh";
import { ownedByAnother } from "../lib/destroyPlan";
import { readOwner } from "./ownerRecord";

export interface ToolkitRepository {
    /** The apt repository, e.g. https://nvidia.github.io/libnvidia-container/stable/deb/amd64 */
    readonly url: string;
    /** Where the ASCII-armored key is fetched from (by the node). */
    readonly keyUrl: string;
    /** The primary key fingerprint to trust, 40 hex digits. */
    readonly fingerprint: string;
    readonly keyringPath: string;
    readonly listPath: string;
}

export interface NvidiaToolkitInputs {
    readonly connection: NodeConnection;
    readonly version: string;
    readonly repository: ToolkitRepository;
    readonly runtimeConfig: RuntimeConfig;
}

export interface NvidiaToolkitOutputs extends NvidiaToolkitInputs {
    readonly installed: Readonly<Record<string, string>>;
    readonly held: readonly string[];
    /** The version the last apply pinned; kept by a refresh that finds the packages drifted. */
    readonly appliedVersion?: string;
}

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

// $1 keyUrl, $2 fingerprint, $3 repo url, $4 keyring path, $5 list path, then package=version pins.
// Exit codes name the failing step; stderr says why. Nothing outside $stage changes before the
// final block, and that block only runs after apt accepted the staged source.
const SOURCE_SCRIPT = `
set -eu
key_url=$1 fpr=$2 repo=$3 keyring=$4 list=$5
shift 5
stage=$(mktemp -d /var/tmp/gnh-apt.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage" # apt verifies signatures as the _apt user
export GNUPGHOME="$stage/gnupg"
mkdir -m 700 "$GNUPGHOME"
curl -fsSL --max-time 60 -o "$stage/key.asc" "$key_url" || { echo "cannot download the repository key from $key_url" >&2; exit 10; }
primaries() { gpg --batch --with-colons --show-keys "$1" 2>/dev/null | awk -F: '$1=="pub"{p=1;next} $1=="fpr"&&p{print $10;p=0}'; }
found=$(primaries "$stage/key.asc" | paste -sd' ' -)
[ -n "$found" ] || { echo "the file at $key_url holds no OpenPGP public key" >&2; exit 11; }
case " $found " in *" $fpr "*) ;; *) echo "the key at $key_url has no primary key with fingerprint $fpr (it has: $found)" >&2; exit 12 ;; esac
gpg --batch --quiet --import "$stage/key.asc" 2>/dev/null
gpg --batch --export "$fpr" > "$stage/keyring.gpg"
kept=$(primaries "$stage/keyring.gpg" | paste -sd' ' -)
[ "$kept" = "$fpr" ] || { echo "the exported keyring holds $kept, not only $fpr" >&2; exit 13; }
chmod 644 "$stage/keyring.gpg"
printf 'deb [signed-by=%s] %s /\\n' "$stage/keyring.gpg" "$repo" > "$stage/staged.list"
if ! apt-get update --error-on=any -o Dir::Etc::sourcelist="$stage/staged.list" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 > "$stage/update.log" 2>&1; then
  echo "apt-get update --error-on=any rejected $repo signed by $fpr:" >&2; grep -E '^(E|W):' "$stage/update.log" | head -n 5 >&2; exit 14
fi
# Fetch and verify the pinned packages against the staged source too: a missing version or a
# package whose hash does not match the signed index stops us here, with /etc/apt untouched.
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only --allow-downgrades --allow-change-held-packages \
     -o Dir::Etc::sourcelist="$stage/staged.list" -o Dir::Etc::sourceparts=- "$@" > "$stage/download.log" 2>&1; then
  echo "the pinned packages could not be fetched and verified from $repo:" >&2; grep -E '^E:' "$stage/download.log" | head -n 5 >&2; exit 15
fi
# Proven: install the keyring and the source, then set aside other files naming the same
# repository (apt refuses two entries with different Signed-By for one URL).
install -o root -g root -m 644 "$stage/keyring.gpg" "$keyring.gnh-tmp" || exit 16
mv -f "$keyring.gnh-tmp" "$keyring" || exit 16
printf 'deb [signed-by=%s] %s /\\n' "$keyring" "$repo" > "$list.gnh-tmp" || exit 17
chmod 644 "$list.gnh-tmp" || exit 17
mv -f "$list.gnh-tmp" "$list" || exit 17
mkdir -p /etc/apt/.gnh-replaced
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  if [ -f "$f" ] && [ "$f" != "$list" ] && grep -qF "$repo" "$f"; then
    mv -f "$f" "/etc/apt/.gnh-replaced/$(basename "$f")" || exit 18
    echo "set aside $f"
  fi
done
`;

// $@ = package=version pins; each pinned package is then held.
const PACKAGES_SCRIPT = `
set -eu
log=$(mktemp /var/tmp/gnh-apt-install.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --allow-downgrades --allow-change-held-packages -o Dpkg::Options::=--force-confold "$@" > "$log" 2>&1; then
  grep -E '^E:' "$log" | head -n 5 >&2; exit 20
fi
for pin in "$@"; do apt-mark hold "\${pin%%=*}" >/dev/null; done
`;

// $1 config path, then key=value pairs, each passed to nvidia-ctk as one quoted argument.
const CONFIG_SCRIPT = `
set -eu
config=$1; shift
[ -f "$config" ] || { echo "$config does not exist: the toolkit package did not create it" >&2; exit 30; }
n=$#
for kv in "$@"; do set -- "$@" --set "$kv"; done
shift "$n"
cp -p "$config" "$config.gnh-bak"
nvidia-ctk config --config-file="$config" --in-place "$@" 2>&1 || { mv -f "$config.gnh-bak" "$config"; exit 31; }
rm -f "$config.gnh-bak"
`;

const DOCKER_VERSION_SCRIPT = "docker version --format '{{.Server.Version}}'";

const STATE_SCRIPT = `
dpkg-query -W -f '\${Package} \${Version} \${db:Status-Abbrev}\\n' "$@" 2>/dev/null | sed 's/^/pkg /'
apt-mark showhold 2>/dev/null | sed 's/^/hold /'
printf 'config %s\\n' "$(base64 -w0 < ${RUNTIME_CONFIG_PATH} 2>/dev/null)"
`;

interface ToolkitState {
    readonly installed: Record<string, string>;
    readonly held: string[];
    readonly runtimeConfig: Record<string, string | boolean>;
}

async function readState(session: SshSession, managedKeys: readonly string[]): Promise<ToolkitState> {
    const out = await session.check("reading the toolkit's packages and config", STATE_SCRIPT, [...TOOLKIT_PACKAGES]);
    const installed: Record<string, string> = {};
    const held: string[] = [];
    let configText = "";
    for (const line of out.split("\n")) {
        const [kind, ...rest] = line.trim().split(" ");
        if (kind === "pkg" && rest.length >= 3 && rest[2][1] === "i") { // "ii" or "hi" (held): installed
            installed[rest[0]] = rest[1];
        } else if (kind === "hold" && rest[0]) {
            held.push(rest[0]);
        } else if (kind === "config") {
            configText = Buffer.from(rest[0] ?? "", "base64").toString("utf8");
        }
    }
    return { installed, held, runtimeConfig: readRuntimeConfig(configText, managedKeys) };
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
    const state = await readState(session, Object.keys(inputs.runtimeConfig));
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
    const state = await readState(session, Object.keys(props.runtimeConfig));
    const wanted = debianVersion(props.version);
    const versions = new Set(TOOLKIT_PACKAGES.map((p) => state.installed[p] ?? "absent"));
    const allHeld = TOOLKIT_PACKAGES.every((p) => state.held.includes(p));
    const observedVersion = versions.size === 1 && versions.has(wanted) && allHeld
        ? props.version
        : TOOLKIT_PACKAGES.map((p) => `${p}=${state.installed[p] ?? "absent"}${state.held.includes(p) ? "" : " (not held)"}`).join(", ");
    const { installed: _i, held: _h, appliedVersion, ...inputs } = props;
    const observed = { ...inputs, version: observedVersion, runtimeConfig: state.runtimeConfig, appliedVersion: appliedVersion ?? props.version };
    return { id, props: { ...observed, installed: state.installed, held: state.held }, inputs: observed };
}

/** Destroy releases the holds and leaves the packages: removing a runtime under running GPU jobs is not ours to do. */
export async function remove(props: NvidiaToolkitOutputs): Promise<void> {
    const session = sessionFor(props.connection);
    if (ownedByAnother(await readOwner(session), props.connection.name)) {
        return; // renamed in the fleet: the node's new resource holds the packages now
    }
    await session.check("releasing the package holds", 'apt-mark unhold "$@" >/dev/null', [...TOOLKIT_PACKAGES]);
}
