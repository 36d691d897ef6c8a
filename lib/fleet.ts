// The fleet file: which nodes to harden and how to reach them. Validated against one JSON
// Schema (schemas/fleet.schema.json, also for editors); every error names the file, line,
// column and key. Pure: the program reads the file and the keys.
import Ajv from "ajv";
import { isMap, isSeq, LineCounter, Node as YamlNode, parseDocument } from "yaml";
import fleetSchema from "../schemas/fleet.schema.json";
import { DEFAULT_ON_DESTROY, OnDestroy } from "./destroyPlan";
import { machineKey } from "./nodeConnection";

/** Where and as whom an SSH host is reached, as the fleet file gives it; key files are read by the program. */
interface FleetSshHost {
    readonly host: string;
    readonly port: number;
    /** root, or any account with passwordless sudo (our commands run through `sudo -n`). */
    readonly user: string;
    /** Path of the SSH private key file; read by the program and passed on as a secret. */
    readonly privateKeyPath: string;
    /** Path of the OpenSSH user certificate for the key, when the host trusts a user CA. */
    readonly certificatePath?: string;
    /** Exactly one of hostKey and hostCertificateAuthority is set (the CA may come from defaults). */
    readonly hostKey?: string;
    readonly hostCertificateAuthority?: string;
}

/** A jump host (on a node or in defaults). */
export type FleetBastion = FleetSshHost;

export interface FleetNode extends FleetSshHost {
    readonly name: string;
    readonly bastion?: FleetBastion;
    readonly labels: Readonly<Record<string, string>>;
    /** The pool the node belongs to (one stack and one audit shard per pool); lib/fleetPools.ts. */
    readonly pool?: string;
    /** What `pulumi destroy` does on this node: keep it hardened (default) or restore daemon.json. */
    readonly onDestroy: OnDestroy;
}

export interface Fleet {
    readonly nodes: readonly FleetNode[];
    /** A repository laid out like NVIDIA's: `<url>/stable/deb/amd64`, key at `<url>/gpgkey` unless keyUrl says otherwise. */
    readonly mirror?: { readonly url: string; readonly fingerprint?: string; readonly keyUrl?: string };
    /** The fleet's own image registry: `host` ("name:port") starts its image references; `caFile` is the CA nodes trust for it. */
    readonly registry?: { readonly host: string; readonly caFile?: string };
}

export class FleetError extends Error {}

const validate = new Ajv({ allErrors: true, strict: true }).compile(fleetSchema);

interface RawBastion {
    host: string;
    port?: number;
    user?: string;
    privateKeyPath?: string;
    certificatePath?: string;
    hostKey?: string;
    hostCertificateAuthority?: string;
}

interface RawFleet {
    defaults?: {
        user?: string; port?: number; privateKeyPath?: string; certificatePath?: string; hostCertificateAuthority?: string; bastion?: RawBastion; pool?: string; onDestroy?: OnDestroy;
    };
    mirror?: Fleet["mirror"];
    registry?: Fleet["registry"];
    nodes: {
        name: string; host: string; port?: number; user?: string; privateKeyPath?: string; certificatePath?: string;
        hostKey?: string; hostCertificateAuthority?: string; bastion?: RawBastion; labels?: Record<string, string>; pool?: string; onDestroy?: OnDestroy;
    }[];
}

export function parseFleet(text: string, file: string): Fleet {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const position = (offset: number) => {
        const pos = lineCounter.linePos(offset);
        return `${file}:${pos.line}:${pos.col}`;
    };
    if (doc.errors.length > 0) {
        throw new FleetError(`${position(doc.errors[0].pos[0])}: not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
    }
    /** The YAML node at a JSON pointer, or the nearest existing parent. */
    const at = (pointer: string, preferKey = false): string => {
        const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
        let node: unknown = doc.contents;
        let keyNode: YamlNode | undefined;
        for (const segment of segments) {
            if (isMap(node)) {
                const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === segment);
                if (!pair) {
                    break;
                }
                keyNode = pair.key as YamlNode;
                node = pair.value;
            } else if (isSeq(node)) {
                const item = node.items[Number(segment)];
                if (item === undefined) {
                    break;
                }
                keyNode = undefined;
                node = item;
            } else {
                break;
            }
        }
        const target = (preferKey && keyNode) ? keyNode : ((node as YamlNode | null)?.range ? (node as YamlNode) : keyNode);
        return position(target?.range?.[0] ?? 0);
    };
    const data = doc.toJS() as unknown;
    const problems: string[] = [];
    if (!validate(data)) {
        for (const error of validate.errors ?? []) {
            const pointer = error.instancePath;
            const params = error.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
            if (params.additionalProperty) {
                const key = params.additionalProperty;
                const suggestion = closestKey(key, allowedKeys(pointer));
                const secretHint = /private.?key$/i.test(key)
                    ? ": a private key is never written into the fleet file; give the path of the key file, which the program reads and keeps as a Pulumi secret"
                    : "";
                problems.push(`${at(`${pointer}/${key}`, true)}: ${describe(pointer)}: unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}${secretHint}`);
            } else if (params.missingProperty) {
                problems.push(`${at(pointer)}: ${describe(pointer)}: "${params.missingProperty}" is required`);
            } else {
                const allowed = params.allowedValues ? ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})` : "";
                problems.push(`${at(pointer)}: ${describe(pointer)}: ${error.message}${allowed}`);
            }
        }
        throw new FleetError([...new Set(problems)].join("\n"));
    }
    const raw = data as unknown as RawFleet;
    const defaults = raw.defaults ?? {};
    const names = new Set<string>();
    // two entries for one machine would let two resources write it at once (and share its files)
    const addresses = new Map<string, string>();
    const hostKeys = new Map<string, string>();
    const nodes = raw.nodes.map((node, index) => {
        const where = `/nodes/${index}`;
        if (names.has(node.name)) {
            problems.push(`${at(`${where}/name`)}: node ${node.name}: the name is used twice`);
        }
        names.add(node.name);
        const rawBastion = node.bastion ?? defaults.bastion;
        const bastion = rawBastion === undefined ? undefined : bastionOf(rawBastion, defaults, `node ${node.name}: bastion`, (problem) => problems.push(`${at(node.bastion ? `${where}/bastion` : "/defaults/bastion")}: ${problem}`));
        // behind a bastion, the host is a name the bastion resolves: the same name behind two bastions is two machines
        const address = machineKey({ host: node.host, port: node.port ?? defaults.port ?? 22, bastion });
        const sameAddress = addresses.get(address);
        if (sameAddress !== undefined && sameAddress !== node.name) {
            problems.push(`${at(`${where}/host`)}: node ${node.name}: ${address} is node ${sameAddress}'s address too: one machine, one entry`);
        }
        addresses.set(address, addresses.get(address) ?? node.name);
        const hostCertificateAuthority = node.hostKey === undefined ? node.hostCertificateAuthority ?? defaults.hostCertificateAuthority : node.hostCertificateAuthority;
        if (node.hostKey !== undefined && node.hostCertificateAuthority !== undefined) {
            problems.push(`${at(`${where}/hostCertificateAuthority`, true)}: node ${node.name}: give "hostKey" or "hostCertificateAuthority", not both: a host is trusted one way`);
        } else if (node.hostKey === undefined && hostCertificateAuthority === undefined) {
            problems.push(`${at(where)}: node ${node.name}: "hostKey" (its public host key) or "hostCertificateAuthority" (on the node or in defaults) is required: host keys are always verified`);
        }
        if (node.hostKey !== undefined) {
            const key = node.hostKey.trim().split(/\s+/).slice(0, 2).join(" ");
            const sameKey = hostKeys.get(key);
            if (sameKey !== undefined && sameKey !== node.name) {
                problems.push(`${at(`${where}/hostKey`)}: node ${node.name}: the host key is node ${sameKey}'s too: one machine, one entry (or a cloned image whose host keys were not regenerated)`);
            }
            hostKeys.set(key, hostKeys.get(key) ?? node.name);
        }
        const privateKeyPath = node.privateKeyPath ?? defaults.privateKeyPath;
        if (privateKeyPath === undefined) {
            problems.push(`${at(where)}: node ${node.name}: "privateKeyPath" is required (on the node or in defaults)`);
        }
        const certificatePath = node.certificatePath ?? defaults.certificatePath;
        return {
            name: node.name,
            host: node.host,
            port: node.port ?? defaults.port ?? 22,
            user: node.user ?? defaults.user ?? "root",
            privateKeyPath: privateKeyPath ?? "",
            ...(certificatePath !== undefined ? { certificatePath } : {}),
            ...(node.hostKey !== undefined ? { hostKey: node.hostKey } : { hostCertificateAuthority }),
            ...(bastion !== undefined ? { bastion } : {}),
            labels: node.labels ?? {},
            ...((node.pool ?? defaults.pool) !== undefined ? { pool: node.pool ?? defaults.pool } : {}),
            onDestroy: node.onDestroy ?? defaults.onDestroy ?? DEFAULT_ON_DESTROY,
        };
    });
    if (problems.length > 0) {
        throw new FleetError(problems.join("\n"));
    }
    return { nodes, mirror: raw.mirror, ...(raw.registry !== undefined ? { registry: raw.registry } : {}) };
}

/** A bastion with the defaults filled in: port 22, the fleet's user and key unless it names its own. */
function bastionOf(raw: RawBastion, defaults: NonNullable<RawFleet["defaults"]>, who: string, problem: (text: string) => void): FleetBastion | undefined {
    const privateKeyPath = raw.privateKeyPath ?? defaults.privateKeyPath;
    if (privateKeyPath === undefined) {
        problem(`${who}: "privateKeyPath" is required (on the bastion or in defaults)`);
    }
    if ((raw.hostKey === undefined) === (raw.hostCertificateAuthority === undefined)) {
        problem(`${who}: exactly one of "hostKey" and "hostCertificateAuthority" is required: the bastion's host key is verified like a node's`);
    }
    return {
        host: raw.host,
        port: raw.port ?? 22,
        user: raw.user ?? defaults.user ?? "root",
        privateKeyPath: privateKeyPath ?? "",
        ...(raw.certificatePath !== undefined ? { certificatePath: raw.certificatePath } : {}),
        ...(raw.hostKey !== undefined ? { hostKey: raw.hostKey } : {}),
        ...(raw.hostCertificateAuthority !== undefined ? { hostCertificateAuthority: raw.hostCertificateAuthority } : {}),
    };
}

/** The keys the schema allows at a pointer ("" = top level, "/nodes/3" = a node, "/mirror", "/defaults"). */
function allowedKeys(pointer: string): string[] {
    const schema = fleetSchema as { properties: Record<string, { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }> };
    const segments = pointer.split("/").slice(1);
    if (segments.length === 0) {
        return Object.keys(schema.properties);
    }
    const top = schema.properties[segments[0]];
    return Object.keys((segments[0] === "nodes" ? top?.items?.properties : top?.properties) ?? {});
}

/** The allowed key closest to a misspelt one (edit distance at most 2), if any. */
function closestKey(key: string, candidates: readonly string[]): string | undefined {
    const distance = (a: string, b: string) => {
        const row = Array.from({ length: b.length + 1 }, (_, i) => i);
        for (let i = 1; i <= a.length; i++) {
            let previous = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const current = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
                previous = current;
            }
        }
        return row[b.length];
    };
    const score = (c: string) => (c.toLowerCase().startsWith(key.toLowerCase()) ? 1 : distance(key, c));
    const best = candidates.map((c) => [c, score(c)] as const).sort((x, y) => x[1] - y[1])[0];
    return best !== undefined && best[1] <= 2 ? best[0] : undefined;
}

/** "/nodes/2/port" -> "nodes[2].port" for messages. */
function describe(pointer: string): string {
    if (pointer === "") {
        return "the fleet file";
    }
    return pointer.split("/").slice(1).reduce((text, segment) => (/^\d+$/.test(segment) ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), "");
}
