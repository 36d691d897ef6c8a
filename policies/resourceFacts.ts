// Resource inputs -> the facts each rule family judges, by resource type. Facts are read lazily
// (getters), because in a preview CrossGuard hands over inputs that throw when an unknown value
// is read: a rule then fails to read exactly the values it needs, and no other rule is affected.
// No rule logic here.
import {
    AdvisoryData, AptSourceFact, ContainerFacts, ContainerRuleOptions, DaemonFacts, DEFAULT_ALLOWED_REGISTRIES, DOCKER_DAEMON_CONFIG_TYPE, loadAdvisories, NVIDIA_TOOLKIT_TYPE, ToolkitFacts, ToolkitRuleOptions,
} from "./ruleCatalog";
import { ContainerInputs, DOCKER_CONTAINER_TYPE, lazyContainerSpec } from "./containerPolicies";

/** Configured rule options, by option key (rules/ruleOptions.ts). */
export type ConfiguredOptions = Readonly<Record<string, readonly string[]>>;

export type FactsOf<F> = (type: string, props: Record<string, unknown>, name: string, options: ConfiguredOptions) => F | undefined;

/** gnh:host:DockerDaemonConfig: the daemon.json it writes. */
export const daemonFacts: FactsOf<DaemonFacts> = (type, props) =>
    type === DOCKER_DAEMON_CONFIG_TYPE ? { get daemon() { return props.settings as DaemonFacts["daemon"]; } } : undefined;

const FINGERPRINT = /^[0-9A-Fa-f]{40}$/;

const loadedAdvisories = new Map<string, AdvisoryData>();
/** The configured advisory data, read once per pack run. */
function advisoriesFrom(file: string): AdvisoryData {
    let data = loadedAdvisories.get(file);
    if (data === undefined) {
        data = loadAdvisories(file);
        loadedAdvisories.set(file, data);
    }
    return data;
}

/** gnh:host:NvidiaToolkit: the version, the config.toml keys it writes, and its one apt source. */
export const toolkitFacts: FactsOf<ToolkitFacts> = (type, props, name, options) => {
    if (type !== NVIDIA_TOOLKIT_TYPE) {
        return undefined;
    }
    const repository = () => props.repository as { url?: string; keyringPath?: string; fingerprint?: string } | undefined;
    const pinned = () => {
        const fingerprint = repository()?.fingerprint;
        return typeof fingerprint === "string" && FINGERPRINT.test(fingerprint) ? [fingerprint] : [];
    };
    return {
        get toolkit() {
            return {
                get version() { return props.version as string | undefined; },
                get runtimeConfig() { return (props.runtimeConfig ?? {}) as Record<string, string | boolean>; },
                // set by the gnh provider's check: whether this run creates, changes or keeps the pin
                get pinChange() { return props.pinChange as "new" | "changed" | "unchanged" | undefined; },
            };
        },
        get aptSources(): AptSourceFact[] {
            const repo = repository();
            return repo?.url === undefined ? [] : [{
                origin: name,
                uri: repo.url,
                // the provider always writes signed-by=<keyringPath> and keeps only the pinned key in it
                signedBy: repo.keyringPath,
                fingerprints: pinned(),
            }];
        },
        get advisories(): AdvisoryData | undefined {
            const file = options.advisoriesFile?.[0];
            return file === undefined ? undefined : advisoriesFrom(file);
        },
        get options(): ToolkitRuleOptions {
            return {
                // NVIDIA's key and the ones the pack's configuration lists, never the resource's own
                // pin: a pull request that changes the pin to another key must not pass by itself
                trustedFingerprints: options.trustedFingerprints ?? [],
                httpAllowedHosts: options.httpAllowedHosts ?? [],
            };
        },
    };
};

/** docker:index/container:Container (what HardenedGpuContainer and hand-written programs create). */
export const containerFacts: FactsOf<ContainerFacts> = (type, props, name, options) => {
    if (type !== DOCKER_CONTAINER_TYPE) {
        return undefined;
    }
    const containerOptions: ContainerRuleOptions = {
        allowedCapabilities: options.allowedCapabilities ?? [],
        writableHostPaths: options.writableHostPaths ?? [],
        allowedDevices: options.allowedDevices ?? [],
        allowedRegistries: options.allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES,
    };
    return { container: lazyContainerSpec(props as ContainerInputs, name), options: containerOptions };
};

/**
 * Who a finding is about, as people name it: the node, for our host resources (their connection
 * carries the fleet's node name). Undefined otherwise: container rules name the container in
 * their own messages. Never throws: a name is not worth a failure.
 */
export function subjectOf(type: string, props: Record<string, unknown>): string | undefined {
    if (!type.startsWith("gnh:")) {
        return undefined;
    }
    try {
        const node = (props.connection as { name?: unknown } | undefined)?.name;
        return typeof node === "string" && node !== "" ? `node ${node}` : undefined;
    } catch {
        return undefined; // an unknown connection: the CLI still shows the resource
    }
}
