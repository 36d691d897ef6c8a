// The contract of gnh:host:FileModes (provider/fileModes.ts, sdk/fileModes.ts): its inputs and outputs, once.
import { NodeConnection } from "../lib/nodeConnection";
import { FILE_MODES_TYPE } from "../lib/resourceTypes";
import { ModeExpectation, ObservedFile } from "../lib/fileModes";
import { defineContract } from "./contract";

export interface FileModesInputs {
    readonly connection: NodeConnection;
    readonly files: readonly ModeExpectation[];
}

export interface FileModesOutputs extends FileModesInputs {
    /** What each path was after the apply ("absent" files are listed too). */
    readonly observed: readonly ObservedFile[];
    /** What the last apply changed, "path: root:docker 664 -> root:root 644". */
    readonly fixed: readonly string[];
    /** Set by refresh only: files outside their expectation now (empty = in sync). */
    readonly drift: readonly string[];
}

export const FileModesContract = defineContract<FileModesInputs, FileModesOutputs>()({
    type: FILE_MODES_TYPE,
    inputs: { connection: true, files: true },
    outputs: { observed: true, fixed: true, drift: true },
    defaults: {  },
});
