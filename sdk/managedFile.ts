// Program-side class for the provider's gnh:host:File (provider/managedFile.ts), made from its contract.
import { ManagedFileContract } from "../contracts/managedFile";
import { resourceClass } from "./resourceClass";

export const ManagedFile = resourceClass(ManagedFileContract);
export type ManagedFile = InstanceType<typeof ManagedFile>;
