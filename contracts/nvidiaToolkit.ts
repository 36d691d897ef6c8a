// The contract of gnh:host:NvidiaToolkit (provider/nvidiaToolkit.ts, sdk/nvidiaToolkit.ts): its inputs and outputs, once.
import { NodeConnection } from "../lib/nodeConnection";
import { NVIDIA_TOOLKIT_TYPE } from "../lib/resourceTypes";
import { RuntimeConfig } from "../lib/toolkitConfig";
import { defineContract } from "./contract";

export interface ToolkitRepository {
    /** The apt repository, e.g. https://nvidia.github.io/libnvidia-container/stable/deb/amd64 */
    readonly url: string;
    /** Where the ASCII-armored key is fetched from (by the node). */
    readonly keyUrl: string;
    /** The primary key fingerprint to trust, 40 hex digits. */
    readonly fingerprint: string;
    readonly keyringPath: string;
    readonly listPath: string;
    /** Set by refresh only: how the node's list file or keyring differs from what we wrote. */
    readonly drift?: readonly string[];
}

export interface NvidiaToolkitInputs {
    readonly connection: NodeConnection;
    readonly version: string;
    readonly repository: ToolkitRepository;
    readonly runtimeConfig: RuntimeConfig;
}

export interface NvidiaToolkitOutputs extends NvidiaToolkitInputs {
    readonly installed: Readonly<Record<string, string>>;
    readonly held: readonly string[];
    /** The version the last apply pinned; kept by a refresh that finds the packages drifted. */
    readonly appliedVersion?: string;
}

export const NvidiaToolkitContract = defineContract<NvidiaToolkitInputs, NvidiaToolkitOutputs>()({
    type: NVIDIA_TOOLKIT_TYPE,
    inputs: { connection: true, version: true, repository: true, runtimeConfig: true },
    outputs: { installed: true, held: true, appliedVersion: true },
    defaults: {  },
});
