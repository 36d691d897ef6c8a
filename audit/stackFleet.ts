// `--stack NAME`: audit what a stack of the fleet program manages — the fleet file (and node
// subset) from the stack's own configuration file, Pulumi.<NAME>.yaml beside Pulumi.yaml.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface StackFleet {
    readonly fleetFile: string;
    readonly nodes: readonly string[];
    /** The stack's pool of the fleet file, when it has one (one stack per pool). */
    readonly pool?: string;
}

const PROJECT = "gpu-node-hardening";

export function fleetFromStack(projectRoot: string, stack: string): StackFleet {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new Error(`--stack ${JSON.stringify(stack)} is not a stack name`);
    }
    const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`stack ${stack} has no configuration file ${file} (create it with: npm run pulumi -- stack init ${stack})`);
    }
    const config = (parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
    const fleetFile = config[`${PROJECT}:fleetFile`];
    if (typeof fleetFile !== "string" || fleetFile === "") {
        throw new Error(`${file}: stack ${stack} has no ${PROJECT}:fleetFile (set it with: npm run pulumi -- config set fleetFile PATH --stack ${stack})`);
    }
    const nodes = config[`${PROJECT}:nodes`];
    const pool = config[`${PROJECT}:pool`];
    return {
        fleetFile: path.resolve(projectRoot, fleetFile),
        nodes: Array.isArray(nodes) ? nodes.map(String) : [],
        ...(typeof pool === "string" && pool !== "" ? { pool } : {}),
    };
}
