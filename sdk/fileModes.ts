// Program-side class for the provider's gnh:host:FileModes (provider/fileModes.ts), made from its contract.
import { FileModesContract } from "../contracts/fileModes";
import { resourceClass } from "./resourceClass";

export const FileModes = resourceClass(FileModesContract);
export type FileModes = InstanceType<typeof FileModes>;
