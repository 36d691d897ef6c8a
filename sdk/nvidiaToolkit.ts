// Program-side class for the provider's gnh:host:NvidiaToolkit (provider/nvidiaToolkit.ts), made from its contract.
import { NvidiaToolkitContract } from "../contracts/nvidiaToolkit";
import { resourceClass } from "./resourceClass";

export const NvidiaToolkitPackages = resourceClass(NvidiaToolkitContract);
export type NvidiaToolkitPackages = InstanceType<typeof NvidiaToolkitPackages>;
