// The contract of gnh:host:File (provider/managedFile.ts, sdk/managedFile.ts): its inputs and outputs, once.
import { NodeConnection } from "../lib/nodeConnection";
import { MANAGED_FILE_TYPE } from "../lib/resourceTypes";
import { defineContract } from "./contract";

export interface ManagedFileInputs {
    readonly connection: NodeConnection;
    readonly path: string;
    readonly content: string;
    readonly owner: string;
    readonly group: string;
    /** Octal permission bits as a string, e.g. "0644". */
    readonly mode: string;
    /** On destroy: leave the file on the node (for files other resources still rely on). */
    readonly keepOnDelete?: boolean;
    /**
     * On destroy: keep the file while this JSON file's top-level key names it (daemon.json's
     * "seccomp-profile" for the profile), remove it otherwise. Read at destroy time, after the
     * resources that depend on this one have been destroyed (and daemon.json restored).
     */
    readonly keepWhileNamedBy?: { readonly file: string; readonly key: string };
}

export interface ManagedFileOutputs extends ManagedFileInputs {
    readonly sha256: string;
}

export const ManagedFileContract = defineContract<ManagedFileInputs, ManagedFileOutputs>()({
    type: MANAGED_FILE_TYPE,
    inputs: { connection: true, path: true, content: true, owner: true, group: true, mode: true, keepOnDelete: true, keepWhileNamedBy: true },
    outputs: { sha256: true },
    defaults: { owner: "root", group: "root", mode: "0644", keepOnDelete: false },
});
