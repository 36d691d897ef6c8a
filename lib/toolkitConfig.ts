// NVIDIA Container Toolkit desired state, as data: the packages, their version, and the
// security-relevant keys of /etc/nvidia-container-runtime/config.toml. Pure.

import { parse as parseToml } from "smol-toml";

export const TOOLKIT_PACKAGES = ["nvidia-container-toolkit", "nvidia-container-toolkit-base", "libnvidia-container-tools", "libnvidia-container1"] as const;
export const NVIDIA_KEY_FINGERPRINT = "C95B321B61E88C1809C4F759DDCAE044F796ECB0";
export const NVIDIA_KEYRING_PATH = "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg";
export const NVIDIA_LIST_PATH = "/etc/apt/sources.list.d/nvidia-container-toolkit.list";

/** The one line remote/toolkit-source.sh writes into the list file (a test holds the two together). */
export const aptSourceLine = (keyringPath: string, url: string): string => `deb [signed-by=${keyringPath}] ${url} /\n`;
export const RUNTIME_CONFIG_PATH = "/etc/nvidia-container-runtime/config.toml";
/**
 * The toolkit version a node gets unless the fleet pins another (stack config toolkitVersion).
 * Changed by hand, never by a data update: a test fails while data/advisories.json lists it as affected.
 */
export const DEFAULT_TOOLKIT_VERSION = "1.20.2";
/** CVE-2025-23266 and CVE-2025-23267 are fixed from this version on. */
export const CUDA_COMPAT_HOOK_FIXED_IN = "1.17.8";

/** The config.toml keys we manage, by their dotted path, with TOML-typed values. */
export type RuntimeConfig = Readonly<Record<string, string | boolean>>;

export function compareVersions(a: string, b: string): number {
    const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const pa = parts(a);
    const pb = parts(b);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const x = pa[i] ?? 0;
        const y = pb[i] ?? 0;
        if (x !== y) {
            return typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        }
    }
    return 0;
}

/** The config.toml keys the toolkit rules manage or read, by dotted path (the rules own their values). */
export const TOOLKIT_KEYS = {
    ldconfig: "nvidia-container-cli.ldconfig",
    envvarWhenUnprivileged: "accept-nvidia-visible-devices-envvar-when-unprivileged",
    volumeMounts: "accept-nvidia-visible-devices-as-volume-mounts",
    compatHookDisabled: "features.disable-cuda-compat-lib-hook",
    ldconfigFromContainer: "features.allow-ldconfig-from-container",
    compatLibsFromContainer: "features.allow-cuda-compat-libs-from-container",
    runtimeMode: "nvidia-container-runtime.mode",
} as const;

/** "1.17.8-1" -> "1.17.8": the Debian revision and epoch dropped, for comparing with upstream versions. */
export function upstreamToolkitVersion(version: string): string {
    return version.replace(/^\d+:/, "").replace(/-[^-]*$/, "");
}

/** The Debian package version for a toolkit version: "1.17.8" -> "1.17.8-1"; "1.17.8-1" unchanged. */
export function debianVersion(version: string): string {
    return version.includes("-") ? version : `${version}-1`;
}

/** Why config.toml's text is not TOML the toolkit can load, or undefined when it is. */
export function tomlProblem(toml: string): string | undefined {
    try {
        parseToml(toml);
        return undefined;
    } catch (error) {
        return (error as Error).message.split("\n")[0];
    }
}

/**
 * The managed keys' values in config.toml, read with a TOML 1.0 parser (smol-toml), so that every
 * spelling the toolkit's own parser accepts counts: dotted keys, quoted keys, inline tables,
 * literal strings, headers with spaces. A value that is neither string nor boolean is kept as its
 * JSON text (a rule then sees a value it does not want). Text that is not TOML yields no values:
 * the toolkit cannot load it either (tomlProblem says why).
 */
export function readRuntimeConfig(toml: string, keys: readonly string[]): Record<string, string | boolean> {
    let document: Record<string, unknown>;
    try {
        document = parseToml(toml) as Record<string, unknown>;
    } catch {
        return {};
    }
    const values: Record<string, string | boolean> = {};
    for (const key of keys) {
        let node: unknown = document;
        for (const part of key.split(".")) {
            node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
        }
        if (node !== undefined) {
            values[key] = typeof node === "string" || typeof node === "boolean" ? node : JSON.stringify(node);
        }
    }
    return values;
}

/**
 * The toolkit's own complaint about config.toml, from nvidia-ctk's stderr: the message of its last
 * log line (logrus: time=... level=error msg="..."), or the line as it is.
 */
export function toolkitConfigError(stderr: string, exitCode: number): string {
    const last = stderr.trim().split("\n").pop() ?? "";
    const logged = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(last);
    const message = logged ? logged[1].replace(/\\(.)/g, "$1") : last;
    return message || `nvidia-ctk config exited ${exitCode}`;
}

/** From this toolkit version on, generated CDI specs use schema v0.7.0 (additionalGids). */
export const CDI_SPEC_V070_FROM = "1.19.0";
/** The first Docker release whose CDI library reads schema v0.7.0 specs. */
export const DOCKER_READS_CDI_V070 = "26.1.0";
/** NVIDIA's documented workaround for older engines: specs without additionalGids (v0.6.0). */
export const NO_ADDITIONAL_GIDS_FEATURE = "features.no-additional-gids-for-device-nodes";

/**
 * Why this toolkit must not go onto a node with this Docker, or undefined when it may. A toolkit
 * that writes v0.7.0 CDI specs on an engine that cannot read them leaves every GPU container
 * unable to start; NVIDIA's workaround (the feature flag above) is honoured. dockerVersion as
 * `docker version` prints the server's ("26.1.5+dfsg1"); undefined when it could not be read.
 */
export function cdiSchemaProblem(toolkitVersion: string, dockerVersion: string | undefined, runtimeConfig: RuntimeConfig): string | undefined {
    const upstream = upstreamToolkitVersion(toolkitVersion);
    if (compareVersions(upstream, CDI_SPEC_V070_FROM) < 0 || runtimeConfig[NO_ADDITIONAL_GIDS_FEATURE] === true) {
        return undefined;
    }
    const docker = /^(\d+\.\d+(\.\d+)?)/.exec(dockerVersion ?? "")?.[1];
    if (docker === undefined) {
        return `toolkit ${toolkitVersion} writes CDI specs at schema v0.7.0, which needs Docker >= 26.1, and the node's Docker version could not be read (${JSON.stringify(dockerVersion ?? "")}): start Docker, or set ${NO_ADDITIONAL_GIDS_FEATURE} = true`;
    }
    return compareVersions(docker, DOCKER_READS_CDI_V070) < 0
        ? `toolkit ${toolkitVersion} writes CDI specs at schema v0.7.0, which Docker ${dockerVersion} cannot read (it needs 26.1 or later): upgrade Docker, pin a toolkit before ${CDI_SPEC_V070_FROM}, or set ${NO_ADDITIONAL_GIDS_FEATURE} = true (NVIDIA's workaround) through the component's extraRuntimeConfig`
        : undefined;
}
