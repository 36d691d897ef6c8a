// A fleet past one stack (issue #21): each node may name a pool; one stack per pool (stack config
// `pool`) and one audit shard per pool (`gnh-audit --pool`). The CI system runs the pools side by
// side as a matrix: no scheduler of ours. Pure.
import { Fleet, FleetError, FleetNode } from "./fleet";

/** The pools a fleet names, sorted; nodes without a pool are in none. */
export function poolsOf(fleet: Fleet): string[] {
    return [...new Set(fleet.nodes.flatMap((n) => (n.pool === undefined ? [] : [n.pool])))].sort();
}

/**
 * The nodes of one pool (all nodes when pool is undefined). A pool with no node is a mistake
 * (a typo in a CI matrix would otherwise harden or audit nothing and pass): an error naming the
 * file and the pools it has.
 */
export function nodesOfPool(fleet: Fleet, pool: string | undefined, file: string): readonly FleetNode[] {
    if (pool === undefined) {
        return fleet.nodes;
    }
    const nodes = fleet.nodes.filter((n) => n.pool === pool);
    if (nodes.length === 0) {
        const pools = poolsOf(fleet);
        throw new FleetError(`${file}: no node is in pool ${JSON.stringify(pool)} (${pools.length === 0 ? "the file names no pools: give nodes a \"pool\"" : `pools: ${pools.join(", ")}`})`);
    }
    return nodes;
}

/**
 * SARIF runs.automationDetails.id for one audit shard: "gnh-audit/<pool>/". Code-scanning services
 * keep one analysis per tool and category, and refuse several runs of one tool with one category
 * in one upload: each shard needs its own.
 */
export function auditShardId(pool: string | undefined): string {
    return `gnh-audit/${pool ?? "fleet"}/`;
}
