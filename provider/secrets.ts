// The engine hands this provider secrets wrapped in Pulumi's secret signature (we accept
// secrets), and keeps a value secret only if we hand it back wrapped. Unwrap on the way in;
// wrap the private key on the way out so that it is encrypted in state.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Json = unknown;

export function unwrapSecrets(value: Json): Json {
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, Json>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return unwrapSecrets(record.value);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

export function secret(value: Json): Json {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/** Outputs with the connection's private key wrapped as a secret. */
export function withSecretKey<T extends { connection?: { privateKey?: string } }>(outs: T): T {
    if (!outs.connection?.privateKey) {
        return outs;
    }
    return { ...outs, connection: { ...outs.connection, privateKey: secret(outs.connection.privateKey) } } as T;
}

/**
 * daemon.json keys whose values are never credentials: a refresh may show them in the clear. A
 * value read from a node under any other key (log-opts can hold a splunk-token, a proxy URL a
 * password) is handed back as a secret, encrypted in state and shown as [secret] in diffs.
 */
export const HARMLESS_DAEMON_KEYS: ReadonlySet<string> = new Set([
    "icc", "log-level", "iptables", "live-restore", "no-new-privileges", "userland-proxy", "seccomp-profile", "runtimes",
    "default-runtime", "default-ulimits", "log-driver", "features", "experimental", "userns-remap", "storage-driver",
    "cgroup-parent", "insecure-registries", "authorization-plugins",
]);

/** A resource's `settings` (daemon.json keys) with every value not known to be harmless wrapped as a secret. */
export function withSecretSettings<T extends { settings?: unknown }>(outs: T): T {
    const settings = outs.settings;
    if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
        return outs;
    }
    const wrapped = Object.fromEntries(Object.entries(settings as Record<string, Json>).map(([key, value]) => [key, HARMLESS_DAEMON_KEYS.has(key) ? value : secret(value)]));
    return { ...outs, settings: wrapped };
}

/** daemon.json as it is on the node may hold keys we do not manage, proxy credentials among them. */
export function withSecretEffective<T extends { effective?: unknown }>(outs: T): T {
    return outs.effective === undefined ? outs : { ...outs, effective: secret(outs.effective) };
}
