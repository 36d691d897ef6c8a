// The gnh resource provider: host resources of GPU nodes, changed over SSH. Started by the engine
// through ./pulumi-resource-gnh (Pulumi.yaml `plugins.providers`).
// Only the provider part of the SDK: the whole package takes twice as long to load, and the
// engine starts this process twice per `up --refresh` (for the refresh, and for the program's
// default provider).
import { CheckResult, CreateResult, DiffResult, main, Provider, ReadResult, UpdateResult } from "@pulumi/pulumi/provider";
import { AuditRulesContract } from "../contracts/auditRules";
import { inputsOf, ResourceContract } from "../contracts/contract";
import { DockerDaemonConfigContract } from "../contracts/dockerDaemonConfig";
import { FileModesContract } from "../contracts/fileModes";
import { ManagedFileContract } from "../contracts/managedFile";
import { NvidiaToolkitContract } from "../contracts/nvidiaToolkit";
import * as auditRules from "./auditRules";
import * as daemon from "./dockerDaemonConfig";
import * as fileModes from "./fileModes";
import * as file from "./managedFile";
import * as toolkit from "./nvidiaToolkit";
import { NodeConnection } from "../lib/nodeConnection";
import { currentConnection } from "./currentConnection";
import { connectEngineLog, tellUser } from "./engineLog";
import { holderName } from "../transport/nodeLock";
import { requireSupportedPlatform } from "./platformPreflight";
import { installSessionCleanup, sessionFor } from "../transport/ssh";
import { unwrapSecrets, withSecretEffective, withSecretKey, withSecretSettings } from "./secrets";

export const PROVIDER_VERSION = "0.1.0";

type PropertyBag = Record<string, unknown>;

/** One resource type's handlers, typed by its contract's inputs and outputs. */
interface ResourceHandler<I extends object, O extends I> {
    /** olds: the inputs in state (or a refresh's); a handler may add derived inputs to news. */
    check(news: Partial<I>, olds?: Partial<O>): CheckResult;
    diff(olds: O, news: I): DiffResult;
    create(inputs: I): Promise<CreateResult>;
    read(id: string, props: O): Promise<ReadResult>;
    update(news: I): Promise<UpdateResult>;
    remove(props: O): Promise<void>;
}

/** The engine's property bags are untyped: the one place they meet the typed handlers. */
type EngineHandler = ResourceHandler<PropertyBag, PropertyBag>;

/**
 * GNH_PROVIDER_NO_IO=1: every operation answers from its inputs and state alone, never touching a
 * node, so that the bench (scripts/benchEngine.ts) measures what the engine and our provider's
 * plumbing cost at fleet scale without SSH. Check and diff stay the real ones. Never for real use:
 * the provider says so on stderr when it starts this way.
 */
const NO_IO = process.env.GNH_PROVIDER_NO_IO === "1";

function withoutIo<I extends object, O extends I, D extends keyof I>(contract: ResourceContract<I, O, D>, handler: ResourceHandler<I, O>): ResourceHandler<I, O> {
    const outputsOf = (inputs: I) => inputs as unknown as O;
    return {
        check: handler.check,
        diff: handler.diff,
        create: async (inputs) => ({ id: `no-io-${contract.type}-${Math.random().toString(36).slice(2)}`, outs: outputsOf(inputs) }),
        read: async (id, props) => ({ id, props, inputs: inputsOf(contract, props) }),
        update: async (news) => ({ outs: outputsOf(news) }),
        remove: async () => undefined,
    };
}

/** A handler registered under its contract's type token; the compiler checks it against the contract. */
function handles<I extends object, O extends I, D extends keyof I>(contract: ResourceContract<I, O, D>, handler: ResourceHandler<I, O>): [string, EngineHandler] {
    return [contract.type, (NO_IO ? withoutIo(contract, handler) : handler) as unknown as EngineHandler];
}

const handlers: ReadonlyMap<string, EngineHandler> = new Map([
    handles(DockerDaemonConfigContract, daemon),
    handles(ManagedFileContract, file),
    handles(NvidiaToolkitContract, toolkit),
    handles(AuditRulesContract, auditRules),
    handles(FileModesContract, fileModes),
]);

/** Secrets in a resource's outputs: the private key always, and what a resource says it holds. */
const protect = <T extends object>(outs: T): T => withSecretEffective(withSecretKey(outs as { connection?: { privateKey?: string } }) as T & { effective?: unknown });

/** Refresh and delete get the inputs recorded in state; the node is reached as its fleet file says now. */
async function withCurrentConnection(props: PropertyBag): Promise<PropertyBag> {
    return props.connection === undefined ? props : { ...props, connection: await currentConnection(props.connection as NodeConnection) };
}

/**
 * Before the first change on a node: one writer per node (the run takes the node's lock and holds
 * it to its end, transport/nodeLock.ts), and only on a platform we have proven
 * (provider/platformPreflight.ts). Reads never take the lock.
 */
async function lockNodeOf(props: PropertyBag, urn: string): Promise<PropertyBag> {
    if (props.connection !== undefined && !NO_IO) {
        const session = sessionFor(props.connection as NodeConnection);
        await session.lock(holderName(urn), tellUser);
        await requireSupportedPlatform(session);
    }
    return props;
}

/** The engine's properties with secrets unwrapped: what the handlers see. */
const plain = (properties: unknown): PropertyBag => (unwrapSecrets(properties) ?? {}) as PropertyBag;

/** "urn:pulumi:stack::project::parent$gnh:host:DockerDaemonConfig::name" -> the resource's own type. */
function handlerFor(urn: string): EngineHandler {
    const type = (urn.split("::")[2] ?? "").split("$").pop() ?? "";
    const handler = handlers.get(type);
    if (handler === undefined) {
        throw new Error(`the gnh provider has no resource type ${type} (${urn})`);
    }
    return handler;
}

const provider: Provider = {
    version: PROVIDER_VERSION,
    async check(urn, olds, news) {
        const result = handlerFor(urn).check(plain(news), plain(olds));
        // only the keys a handler derives are taken from its result: news keeps its secrets wrapped
        const derived = Object.fromEntries(Object.entries(result.inputs ?? {}).filter(([key]) => !(key in news)));
        return { inputs: { ...news, ...derived }, failures: result.failures };
    },
    async diff(_id, urn, olds, news) {
        return handlerFor(urn).diff(plain(olds), plain(news));
    },
    async create(urn, inputs) {
        const result = await handlerFor(urn).create(await lockNodeOf(plain(inputs), urn));
        return { id: result.id, outs: protect(result.outs) };
    },
    async read(id, urn, props) {
        const result = await handlerFor(urn).read(id, await withCurrentConnection(plain(props)));
        // what a refresh read from the node: settings other than known-harmless keys stay secret
        return { id: result.id, props: protect(withSecretSettings(result.props)), inputs: result.inputs && withSecretKey(withSecretSettings(result.inputs)) };
    },
    async update(_id, urn, _olds, news) {
        return { outs: protect((await handlerFor(urn).update(await lockNodeOf(plain(news), urn))).outs) };
    },
    async delete(_id, urn, props) {
        await handlerFor(urn).remove(await lockNodeOf(await withCurrentConnection(plain(props)), urn));
    },
};

installSessionCleanup();
if (NO_IO) {
    process.stderr.write("gnh provider: GNH_PROVIDER_NO_IO=1: no node is read or changed (benchmarks only)\n");
}
connectEngineLog(process.argv.slice(2));
main(provider, process.argv.slice(2)).catch((error) => {
    process.stderr.write(`gnh provider: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
