// Adapters from the one normalized GpuContainerSpec (lib/containerSpec.ts) to what runs it:
// - @pulumi/docker Container inputs (plain values; the component hands them to docker.Container);
// - a `docker run` argument list (the live proof on the lab, and for people without Pulumi);
// - the docker provider's connection to a node over ssh:// with the node's host key checked.
// Pure: no resources, no I/O.
import { GpuContainerSpec } from "./containerSpec";
import { HostTrust, knownHostsLine as connectionKnownHostsLine, trustProblems } from "./nodeConnection";
import { proxyCommandOption } from "./sshArguments";

/** The docker.Container inputs we set, as plain values (a subset of docker.ContainerArgs). */
export interface DockerContainerInputs {
    readonly name: string;
    readonly image: string;
    readonly command?: string[];
    readonly user: string;
    readonly envs: string[];
    readonly runtime?: string;
    readonly privileged: false;
    readonly capabilities: { drops: string[]; adds?: string[] };
    readonly securityOpts: string[];
    readonly readOnly: true;
    readonly tmpfs: Record<string, string>;
    readonly mounts: { type: string; source?: string; target: string; readOnly: boolean }[];
    readonly deviceRequests?: { driver: string; deviceIds: string[]; capabilities?: string[] }[];
    readonly memory: number;
    readonly cpus: string;
    readonly shmSize?: number;
    readonly restart: string;
    readonly maxRetryCount?: number;
    readonly networkMode: string;
    readonly ports?: { internal: number; external: number; ip: string; protocol: string }[];
    readonly labels?: { label: string; value: string }[];
}

const MIB = 1024 * 1024;

function envList(spec: GpuContainerSpec): string[] {
    return Object.keys(spec.env).sort().map((k) => `${k}=${spec.env[k]}`);
}

/** CPUs as Docker's --cpus spells them ("0.5", "2"). */
function cpusText(nanoCpus: number): string {
    return String(nanoCpus / 1e9);
}

/**
 * docker.Container inputs for the spec. The provider has no PIDs-limit input: the spec's
 * pidsLimit is set only by the `docker run` form (GNH-CONTAINER-PIDS-LIMIT is advisory and
 * judged on the live container).
 */
export function dockerContainerInputs(spec: GpuContainerSpec): DockerContainerInputs {
    const binds = spec.mounts.filter((m) => m.type === "bind");
    return {
        name: spec.name,
        image: spec.image,
        ...(spec.command.length > 0 ? { command: [...spec.command] } : {}),
        user: spec.user,
        envs: envList(spec),
        ...(spec.runtime !== undefined ? { runtime: spec.runtime } : {}),
        privileged: false,
        capabilities: { drops: [...spec.capDrop], ...(spec.capAdd.length > 0 ? { adds: [...spec.capAdd] } : {}) },
        securityOpts: [...spec.securityOpts],
        readOnly: true,
        tmpfs: { ...spec.tmpfs },
        mounts: binds.map((m) => ({ type: "bind", source: m.source, target: m.target, readOnly: m.readOnly })),
        ...(spec.deviceRequests.length > 0
            ? {
                deviceRequests: spec.deviceRequests.map((r) => ({
                    driver: r.driver,
                    deviceIds: [...r.deviceIds],
                    ...(r.driver === "nvidia" ? { capabilities: ["gpu"] } : {}),
                })),
            }
            : {}),
        memory: Math.round((spec.memoryBytes ?? 0) / MIB),
        cpus: cpusText(spec.nanoCpus),
        ...(spec.shmSizeBytes !== undefined ? { shmSize: Math.round(spec.shmSizeBytes / MIB) } : {}),
        restart: spec.restart.name,
        ...(spec.restart.name === "on-failure" ? { maxRetryCount: spec.restart.maxRetries } : {}),
        networkMode: spec.network,
        ...(spec.cgroupnsMode ? { cgroupnsMode: spec.cgroupnsMode } : {}),
        ...(spec.ports.length > 0 ? { ports: spec.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.hostIp, protocol: p.protocol })) } : {}),
        ...(Object.keys(spec.labels).length > 0 ? { labels: Object.keys(spec.labels).sort().map((label) => ({ label, value: spec.labels[label] })) } : {}),
    };
}

/** Memory as a `docker run` size: MiB when exact, bytes otherwise. */
function sizeText(bytes: number): string {
    return bytes % MIB === 0 ? `${bytes / MIB}m` : `${bytes}b`;
}

/**
 * The arguments after `docker run` for the spec (an argv list: quote each one for a shell, for
 * example with lib/shellQuote.ts). Detached, so the caller gets the container ID.
 */
export function dockerRunArgs(spec: GpuContainerSpec): string[] {
    const args: string[] = ["--detach", "--name", spec.name];
    args.push("--user", spec.user);
    if (spec.runtime !== undefined) {
        args.push("--runtime", spec.runtime);
    }
    for (const cap of spec.capDrop) {
        args.push("--cap-drop", cap);
    }
    for (const cap of spec.capAdd) {
        args.push("--cap-add", cap);
    }
    for (const opt of spec.securityOpts) {
        args.push("--security-opt", opt);
    }
    args.push("--read-only");
    for (const target of Object.keys(spec.tmpfs)) {
        args.push("--tmpfs", `${target}:${spec.tmpfs[target]}`);
    }
    for (const m of spec.mounts.filter((mount) => mount.type === "bind")) {
        args.push("--mount", `type=bind,source=${m.source},target=${m.target}${m.readOnly ? ",readonly" : ""}`);
    }
    for (const request of spec.deviceRequests) {
        if (request.driver === "cdi") {
            for (const id of request.deviceIds) {
                args.push("--device", id);
            }
        } else {
            args.push("--gpus", `driver=${request.driver},"device=${request.deviceIds.join(",")}"`);
        }
    }
    for (const line of envList(spec)) {
        args.push("--env", line);
    }
    args.push("--memory", sizeText(spec.memoryBytes ?? 0));
    args.push("--cpus", cpusText(spec.nanoCpus));
    args.push("--pids-limit", String(spec.pidsLimit));
    if (spec.shmSizeBytes !== undefined) {
        args.push("--shm-size", sizeText(spec.shmSizeBytes));
    }
    args.push("--restart", spec.restart.name === "on-failure" ? `on-failure:${spec.restart.maxRetries}` : spec.restart.name);
    args.push("--network", spec.network);
    if (spec.cgroupnsMode) {
        args.push("--cgroupns", spec.cgroupnsMode);
    }
    for (const p of spec.ports) {
        const ip = p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp;
        args.push("--publish", `${ip}:${p.external}:${p.internal}/${p.protocol}`);
    }
    for (const label of Object.keys(spec.labels).sort()) {
        args.push("--label", `${label}=${spec.labels[label]}`);
    }
    args.push(spec.image, ...spec.command);
    return args;
}

/** A node the docker provider reaches over SSH (the fleet file has every field but knownHostsFile). */
export interface DockerNode extends HostTrust {
    readonly name: string;
    readonly host: string;
    /** Default 22. */
    readonly port?: number;
    /**
     * Default "root". Another account must be allowed to use Docker's socket (the docker group,
     * which is root-equivalent): docker over SSH runs `docker system dial-stdio` as this user,
     * and there is no sudo in that path.
     */
    readonly user?: string;
    /** Private key file for ssh's -i. */
    readonly privateKeyPath: string;
    /** The user certificate for that key, when the node trusts a user CA. */
    readonly certificatePath?: string;
    /** A jump host, checked against the same known_hosts file (writeKnownHosts writes its line too). */
    readonly bastion?: HostTrust & { readonly host: string; readonly port: number; readonly user: string; readonly privateKeyPath: string; readonly certificatePath?: string };
    /**
     * An OpenSSH known_hosts file holding `knownHostsLine(node)`: the docker provider runs the
     * ssh binary, which verifies the node against this file and nothing else.
     */
    readonly knownHostsFile: string;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9a-fA-F:]+$/;

/** The known_hosts line for a node: "[host]:port key" (plain "host key" on port 22), or its @cert-authority line. */
export function knownHostsLine(node: Pick<DockerNode, "host" | "port" | "hostKey" | "hostCertificateAuthority">): string {
    return connectionKnownHostsLine({ ...node, port: node.port ?? 22 });
}

/** Problems with a docker node target, each naming the node and the field; empty when valid. */
export function dockerNodeProblems(node: Partial<DockerNode>): string[] {
    const who = `node ${node.name ?? "?"}`;
    const problems: string[] = [];
    if (!node.name) {
        problems.push(`${who}: "name" is required`);
    }
    if (!node.host || !HOSTNAME.test(node.host)) {
        problems.push(`${who}: "host" ${JSON.stringify(node.host ?? "")} is not a host name or IP address`);
    }
    if (node.port !== undefined && (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535)) {
        problems.push(`${who}: "port" ${JSON.stringify(node.port)} is not a TCP port`);
    }
    if (node.user !== undefined && !/^[a-z_][a-z0-9_-]*$/.test(node.user)) {
        problems.push(`${who}: "user" ${JSON.stringify(node.user)} is not a user name`);
    }
    // the docker provider's ssh checks both hops against the known_hosts file: each must pin one way
    problems.push(...trustProblems(who, node), ...(node.bastion !== undefined ? trustProblems(`${who}: bastion`, node.bastion) : []));
    const paths: [string, string | undefined][] = [
        ["privateKeyPath", node.privateKeyPath],
        ["knownHostsFile", node.knownHostsFile],
        ...(node.certificatePath !== undefined ? [["certificatePath", node.certificatePath] as [string, string]] : []),
        ...(node.bastion !== undefined ? [["bastion.privateKeyPath", node.bastion.privateKeyPath] as [string, string]] : []),
        ...(node.bastion?.certificatePath !== undefined ? [["bastion.certificatePath", node.bastion.certificatePath] as [string, string]] : []),
    ];
    for (const [field, value] of paths) {
        if (!value || !value.startsWith("/") || /[\s,"'%]/.test(value)) {
            problems.push(`${who}: "${field}" ${JSON.stringify(value ?? "")} must be an absolute path without spaces, commas, quotes or %`);
        }
    }
    return problems;
}

/**
 * docker.Provider inputs for a node: ssh:// with strict host key checking against the node's own
 * known_hosts file, the node's key only, and no prompts.
 */
export function dockerProviderInputs(node: DockerNode): { host: string; sshOpts: string[] } {
    return {
        host: `ssh://${node.user ?? "root"}@${node.host.includes(":") ? `[${node.host}]` : node.host}:${node.port ?? 22}`,
        sshOpts: [
            "-o", "StrictHostKeyChecking=yes",
            "-o", `UserKnownHostsFile=${node.knownHostsFile}`,
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes",
            "-i", node.privateKeyPath,
            ...(node.certificatePath !== undefined ? ["-o", `CertificateFile=${node.certificatePath}`] : []),
            ...(node.bastion !== undefined ? ["-o", proxyCommandOption(node.bastion, node.knownHostsFile, node.bastion.privateKeyPath, node.bastion.certificatePath)] : []),
            "-o", "BatchMode=yes",
        ],
    };
}
