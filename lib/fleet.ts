// The fleet file: which nodes to harden and how to reach them. Parsing and validation are pure;
// every error names the file, line, column and key.
import { isMap, isSeq, LineCounter, parseDocument, Node as YamlNode } from "yaml";

export interface FleetNode {
    readonly name: string;
    readonly host: string;
    readonly port: number;
    readonly user: string;
    /** Path of the SSH private key file; read by the program and passed on as a secret. */
    readonly privateKeyPath: string;
    readonly hostKey: string;
    readonly labels: Readonly<Record<string, string>>;
}

export interface Fleet {
    readonly nodes: readonly FleetNode[];
    /** A repository laid out like NVIDIA's: `<url>/stable/deb/amd64`, key at `<url>/gpgkey` unless keyUrl says otherwise. */
    readonly mirror?: { readonly url: string; readonly fingerprint?: string; readonly keyUrl?: string };
}

export class FleetError extends Error {}

const NODE_KEYS = new Set(["name", "host", "port", "user", "privateKeyPath", "hostKey", "labels"]);
const TOP_KEYS = new Set(["defaults", "nodes", "mirror", "registry"]);

export function parseFleet(text: string, file: string): Fleet {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const at = (node: YamlNode | null | undefined) => {
        const offset = node?.range?.[0] ?? 0;
        const pos = lineCounter.linePos(offset);
        return `${file}:${pos.line}:${pos.col}`;
    };
    if (doc.errors.length > 0) {
        const error = doc.errors[0];
        const pos = lineCounter.linePos(error.pos[0]);
        throw new FleetError(`${file}:${pos.line}:${pos.col}: not valid YAML: ${error.message.split("\n")[0]}`);
    }
    const root = doc.contents;
    if (!isMap(root)) {
        throw new FleetError(`${at(root)}: the fleet file must be a mapping with a "nodes" list`);
    }
    const problems: string[] = [];
    for (const pair of root.items) {
        const key = String((pair.key as { value?: unknown })?.value);
        if (!TOP_KEYS.has(key)) {
            problems.push(`${at(pair.key as YamlNode)}: unknown key "${key}" (expected one of ${[...TOP_KEYS].join(", ")})`);
        }
    }
    const defaults = (doc.get("defaults") ?? undefined) as unknown;
    const defaultsJs = isMap(defaults) ? (defaults.toJSON() as Record<string, unknown>) : {};
    const nodesNode = root.get("nodes", true) as YamlNode | undefined;
    if (!isSeq(nodesNode) || nodesNode.items.length === 0) {
        problems.push(`${at(nodesNode ?? root)}: "nodes" must be a non-empty list`);
        throw new FleetError(problems.join("\n"));
    }
    const nodes: FleetNode[] = [];
    const names = new Set<string>();
    nodesNode.items.forEach((item, index) => {
        const where = at(item as YamlNode);
        if (!isMap(item)) {
            problems.push(`${where}: nodes[${index}] must be a mapping`);
            return;
        }
        for (const pair of item.items) {
            const key = String((pair.key as { value?: unknown })?.value);
            if (!NODE_KEYS.has(key)) {
                problems.push(`${at(pair.key as YamlNode)}: nodes[${index}]: unknown key "${key}"`);
            }
        }
        const raw = { ...defaultsJs, ...(item.toJSON() as Record<string, unknown>) };
        const field = (key: string) => at((item.get(key, true) as YamlNode | undefined) ?? item);
        const label = typeof raw.name === "string" ? `node ${raw.name}` : `nodes[${index}]`;
        const str = (key: string) => {
            const value = raw[key];
            if (typeof value !== "string" || value.trim() === "") {
                problems.push(`${field(key)}: ${label}: "${key}" is required and must be a string`);
                return "";
            }
            return value;
        };
        const name = str("name");
        if (name && names.has(name)) {
            problems.push(`${field("name")}: ${label}: the name "${name}" is used twice`);
        }
        names.add(name);
        const port = raw.port ?? 22;
        if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
            problems.push(`${field("port")}: ${label}: "port" must be a TCP port (1-65535), not ${JSON.stringify(port)}`);
        }
        const labels = raw.labels ?? {};
        nodes.push({
            name,
            host: str("host"),
            port: port as number,
            user: typeof raw.user === "string" ? raw.user : "root",
            privateKeyPath: str("privateKeyPath"),
            hostKey: str("hostKey"),
            labels: typeof labels === "object" && labels !== null ? (labels as Record<string, string>) : {},
        });
    });
    if (problems.length > 0) {
        throw new FleetError(problems.join("\n"));
    }
    const mirror = doc.get("mirror");
    const mirrorJs = isMap(mirror) ? (mirror.toJSON() as { url: string; fingerprint?: string; keyUrl?: string }) : undefined;
    return { nodes, mirror: mirrorJs };
}
