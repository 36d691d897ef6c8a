// Shared by end-to-end tests: a real-engine stack for a program directory, in the project's
// offline environment (scripts/env.sh sets PULUMI_HOME, the file backend and the passphrase file).
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export const projectRoot = path.resolve(__dirname, "..", "..");

export function requireOfflineEnvironment(): void {
    for (const name of ["PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE"]) {
        if (!process.env[name]) {
            throw new Error(`${name} is not set: run the end-to-end tests through 'npm test' (scripts/test.sh)`);
        }
    }
}

/** A fresh stack name per run, so that tests never collide with a user's or each other's. */
export function uniqueStackName(prefix: string): string {
    return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

export async function stackFor(programDir: string, stackName: string): Promise<Stack> {
    requireOfflineEnvironment();
    const pulumiCommand = await PulumiCommand.get();
    return LocalWorkspace.createOrSelectStack(
        { stackName, workDir: programDir },
        { pulumiCommand, envVars: { PULUMI_SKIP_UPDATE_CHECK: "true" } },
    );
}
