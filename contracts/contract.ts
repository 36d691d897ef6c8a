// A gnh resource's contract, written once: its type token, its inputs and outputs (as types and as
// key lists the compiler holds complete), and the defaults the program fills in. The provider's
// handlers are typed by it, refresh takes a resource's inputs from its state by it, and the
// program-side class is made from it (sdk/resourceClass.ts).
export interface ResourceContract<I extends object, O extends I, D extends keyof I = never> {
    readonly type: string;
    /** Every input key: a Record, so that the compiler refuses a missing or an unknown one. */
    readonly inputs: { readonly [K in keyof I]-?: true };
    /** Every key the provider adds to the inputs in its outputs. */
    readonly outputs: { readonly [K in Exclude<keyof O, keyof I>]-?: true };
    /** Inputs the program may leave out, and the value it sends then. */
    readonly defaults: { readonly [K in D]: I[K] };
}

/** Infers a contract's key lists and defaults against its input and output types. */
export function defineContract<I extends object, O extends I>() {
    return <D extends keyof I = never>(contract: ResourceContract<I, O, D>): ResourceContract<I, O, D> => contract;
}

export const inputKeys = <I extends object, O extends I>(contract: ResourceContract<I, O, keyof I>) => Object.keys(contract.inputs) as (keyof I & string)[];
export const outputKeys = <I extends object, O extends I>(contract: ResourceContract<I, O, keyof I>) => Object.keys(contract.outputs) as (Exclude<keyof O, keyof I> & string)[];

/** The inputs recorded in a resource's state (what a refresh reports as its inputs). */
export function inputsOf<I extends object, O extends I, D extends keyof I>(contract: ResourceContract<I, O, D>, props: O): I {
    return Object.fromEntries(Object.keys(contract.inputs).filter((key) => key in props).map((key) => [key, props[key as keyof O]])) as I;
}
