// Rollout safety for Docker restarts within one `pulumi up` (one provider process): at most K
// nodes restart Docker at the same time, and once a node's restart failed and was rolled back,
// no further node starts a restart in this run. Nodes that fail before restarting (unreachable,
// invalid config) do not halt the others.

export class RestartsHalted extends Error {}

export class RestartGate {
    private running = 0;
    private readonly waiting: (() => void)[] = [];
    private haltedBy?: string;

    constructor(private limit = 1) {}

    /** The fleet's K; every resource passes the same value, the smallest one wins. */
    setLimit(limit: number): void {
        if (Number.isInteger(limit) && limit >= 1) {
            this.limit = Math.min(this.limit, limit);
        }
    }

    get halted(): string | undefined {
        return this.haltedBy;
    }

    async run<T>(node: string, restart: () => Promise<T>): Promise<T> {
        this.refuseIfHalted(node);
        while (this.running >= this.limit) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        if (this.haltedBy !== undefined) {
            this.waiting.shift()?.(); // pass the turn on, so that every waiter hears of the halt
            this.refuseIfHalted(node);
        }
        this.running++;
        try {
            return await restart();
        } catch (error) {
            this.haltedBy ??= node;
            throw error;
        } finally {
            this.running--;
            this.waiting.shift()?.();
        }
    }

    private refuseIfHalted(node: string): void {
        if (this.haltedBy !== undefined) {
            throw new RestartsHalted(`node ${node}: Docker was not restarted and nothing was changed: restarts are halted for this run because the restart on node ${this.haltedBy} failed and was rolled back; fix that node, then run again`);
        }
    }
}

export const restartGate = new RestartGate(Infinity);
