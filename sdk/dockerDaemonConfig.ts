// Program-side class for the provider's gnh:host:DockerDaemonConfig (provider/dockerDaemonConfig.ts), made from its contract.
import { DockerDaemonConfigContract } from "../contracts/dockerDaemonConfig";
import { resourceClass } from "./resourceClass";

export const DockerDaemonConfig = resourceClass(DockerDaemonConfigContract);
export type DockerDaemonConfig = InstanceType<typeof DockerDaemonConfig>;
