// Pulumi mocks for unit tests. Call installMocks() BEFORE importing the program or component
// under test: the runtime reads the mock monitor when resources register. vitest runs each test
// file in its own process (vitest.config.ts), so mocks never leak between files.
import * as pulumi from "@pulumi/pulumi";

export interface RegisteredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export function installMocks(): RegisteredResource[] {
    const registered: RegisteredResource[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        "gpu-node-hardening",
        "unit",
        false,
    );
    return registered;
}

/** Resolve an Output in a test (mocks resolve everything known at registration). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
