// The program-side class of a gnh resource, made from its contract (contracts/): its arguments are
// the contract's inputs as Pulumi inputs (those with a default optional), its properties the
// contract's outputs, and the connection (which carries the private key) is always secret.
import * as pulumi from "@pulumi/pulumi";
import { ResourceContract } from "../contracts/contract";

type Wrapped<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

/** What the program gives: every input, those with a default optional. */
export type ResourceArgs<I extends object, D extends keyof I> = Omit<Wrapped<I>, D> & Partial<Pick<Wrapped<I>, D>>;

/** What the program reads back: every input and output as a Pulumi output. */
export type ResourceOutputs<O> = { readonly [K in keyof O]-?: pulumi.Output<O[K]> };

export type ResourceClass<I extends object, O extends I, D extends keyof I> =
    new (name: string, args: ResourceArgs<I, D>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource & ResourceOutputs<O>;

export function resourceClass<I extends object, O extends I, D extends keyof I>(contract: ResourceContract<I, O, D>): ResourceClass<I, O, D> {
    // outputs are registered as undefined so that the engine fills them in on the instance
    const unknownOutputs = Object.fromEntries(Object.keys(contract.outputs).map((key) => [key, undefined]));
    class GnhResource extends pulumi.CustomResource {
        constructor(name: string, args: ResourceArgs<I, D>, opts?: pulumi.CustomResourceOptions) {
            super(contract.type, name, { ...contract.defaults, ...args, ...unknownOutputs }, { ...opts, additionalSecretOutputs: ["connection"] });
        }
    }
    return GnhResource as unknown as ResourceClass<I, O, D>;
}
