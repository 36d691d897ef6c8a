// HardenedGpuContainer: a GPU workload on a hardened node whose defaults pass every
// GNH-CONTAINER-* rule. The arguments become one normalized spec (lib/containerSpec.ts: every
// unsafe argument fails here, at construction, before any preview); the spec becomes
// docker.Container inputs (lib/containerAdapters.ts); the image is a docker.RemoteImage pinned
// by digest. One docker provider per node, over ssh:// with the node's host key checked.
import * as fs from "node:fs";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { DockerNode, dockerContainerInputs, dockerNodeProblems, dockerProviderInputs, knownHostsLine } from "../lib/containerAdapters";
import { GpuContainerArgsError, GpuContainerSettings, GpuContainerSpec, gpuContainerSpec } from "../lib/containerSpec";
import { containerRules } from "../rules/containerRules";

/**
 * The rules a HardenedGpuContainer is built to satisfy: all container rules. Most pass at
 * construction; those whose facts exist only on the node (its processes, the image's HEALTHCHECK,
 * the daemon's icc and default-ulimits) are judged there by the audit.
 */
export const SATISFIED_RULE_IDS: readonly string[] = containerRules.map((r) => r.id);

export interface HardenedGpuContainerArgs extends GpuContainerSettings {
    /**
     * The node to run on: the component uses (and creates once per program) the docker provider
     * for it, `dockerProviderFor(node)`. Give either `node` or `provider`.
     */
    readonly node?: DockerNode;
    /** A docker provider of your own (its connection is yours to secure). */
    readonly provider?: docker.Provider;
}

const providers = new Map<string, { provider: docker.Provider; key: string }>();

/**
 * The one docker provider for a node in this program (created on first use, named
 * `docker-<node>`). Refuses a node whose known_hosts file does not hold its host key, and a
 * second, different definition of the same node.
 */
export function dockerProviderFor(node: DockerNode): docker.Provider {
    const problems = dockerNodeProblems(node);
    if (problems.length === 0) {
        const line = knownHostsLine(node);
        const text = fs.existsSync(node.knownHostsFile) ? fs.readFileSync(node.knownHostsFile, "utf8") : undefined;
        if (text === undefined) {
            problems.push(`node ${node.name}: known_hosts file ${node.knownHostsFile} does not exist: write it with writeKnownHosts() (the docker provider's ssh verifies the node against it)`);
        } else if (!text.split("\n").map((l) => l.trim()).some((l) => l === line || l.startsWith(`${line} `))) {
            problems.push(`node ${node.name}: known_hosts file ${node.knownHostsFile} has no line "${line}": write it with writeKnownHosts()`);
        }
    }
    if (problems.length > 0) {
        throw new GpuContainerArgsError(`(node ${node.name ?? "?"})`, problems);
    }
    const inputs = dockerProviderInputs(node);
    const key = JSON.stringify(inputs);
    const existing = providers.get(node.name);
    if (existing) {
        if (existing.key !== key) {
            throw new GpuContainerArgsError(`(node ${node.name})`, [`node ${node.name} is already defined with another connection in this program: one docker provider per node`]);
        }
        return existing.provider;
    }
    const provider = new docker.Provider(`docker-${node.name}`, inputs);
    providers.set(node.name, { provider, key });
    return provider;
}

/** Write (replace) a known_hosts file with one line per node and per bastion, for dockerProviderFor. */
export function writeKnownHosts(file: string, nodes: readonly Pick<DockerNode, "host" | "port" | "hostKey" | "hostCertificateAuthority" | "bastion">[]): void {
    const lines = nodes.flatMap((node) => [knownHostsLine(node), ...(node.bastion !== undefined ? [knownHostsLine(node.bastion)] : [])]);
    fs.writeFileSync(file, `${[...new Set(lines)].join("\n")}\n`, { mode: 0o644 });
}

export class HardenedGpuContainer extends pulumi.ComponentResource {
    /** The normalized spec (plain): what the rules judged and what the adapters rendered. */
    public readonly spec: GpuContainerSpec;
    public readonly containerId: pulumi.Output<string>;
    public readonly containerName: pulumi.Output<string>;

    constructor(name: string, args: HardenedGpuContainerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Everything is checked before the component registers: a bad argument stops the program
        // before any preview, with every problem listed.
        const spec = gpuContainerSpec(name, args);
        if ((args.node === undefined) === (args.provider === undefined)) {
            throw new GpuContainerArgsError(spec.name, ['give exactly one of "node" (the component uses that node\'s docker provider) or "provider"']);
        }
        const provider = args.provider ?? dockerProviderFor(args.node as DockerNode);
        super("gpu-node-hardening:index:HardenedGpuContainer", name, {}, opts);
        this.spec = spec;
        const image = new docker.RemoteImage(`${name}-image`, { name: spec.image, keepLocally: true }, { parent: this, provider });
        // The container names the pinned reference itself (not the image resource's ID output),
        // so what the policy pack sees at preview is exactly the digest that runs.
        const container = new docker.Container(`${name}-container`, dockerContainerInputs(spec), { parent: this, provider, dependsOn: [image] });
        this.containerId = container.id;
        this.containerName = container.name;
        this.registerOutputs({ containerId: this.containerId, containerName: this.containerName });
    }
}
