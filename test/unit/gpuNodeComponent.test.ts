// GpuNode with Pulumi mocks: the resources it registers for one node and what each is given (the
// default toolkit pin, the mirror's URLs, onDestroy for each resource, the connection everywhere).
// The engine's own proof is test/e2e/gpuNode.test.ts; this one runs without a lab.
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, RegisteredResource } from "../support/mocks";
import { DEFAULT_TOOLKIT_VERSION } from "../../lib/toolkitConfig";

const registered = installMocks();
const connection = {
    name: "gpu-07", host: "gpu-07.example.internal", port: 22, user: "root",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n",
    fleetFile: "/srv/fleet.yaml",
};
const byType = (type: string): RegisteredResource[] => registered.filter((r) => r.type === type);

beforeAll(async () => {
    const { GpuNode } = await import("../../components/gpuNode");
    new GpuNode("gpu-07", { connection, mirrorUrl: "http://mirror.example.internal/nvidia/", mirrorFingerprint: "8D10C53CED819F7C8AD93888E59F858F05C78659", onDestroy: "restore" });
    new GpuNode("gpu-08", { connection: { ...connection, name: "gpu-08" }, toolkitVersion: "1.19.1" });
    // registrations resolve asynchronously
    await new Promise((resolve) => setTimeout(resolve, 200));
});

describe("GpuNode under mocks", () => {
    it("registers one of each host resource per node, under the node's name", () => {
        const names = (type: string) => byType(type).map((r) => r.name).sort();
        expect(names("gnh:host:NvidiaToolkit")).toEqual(["gpu-07-toolkit", "gpu-08-toolkit"]);
        expect(names("gnh:host:File")).toEqual(["gpu-07-seccomp-json", "gpu-08-seccomp-json"]);
        expect(names("gnh:host:DockerDaemonConfig")).toEqual(["gpu-07-daemon-json", "gpu-08-daemon-json"]);
        expect(byType("gnh:host:AuditRules")).toHaveLength(2);
        expect(byType("gnh:host:FileModes")).toHaveLength(2);
    });

    it("pins the default toolkit unless told otherwise, from the mirror's repository and key", () => {
        const toolkit = (node: string) => byType("gnh:host:NvidiaToolkit").find((r) => r.name === `${node}-toolkit`)!.inputs;
        expect(toolkit("gpu-07")).toMatchObject({
            version: DEFAULT_TOOLKIT_VERSION,
            repository: { url: "http://mirror.example.internal/nvidia/stable/deb/amd64", keyUrl: "http://mirror.example.internal/nvidia/gpgkey", fingerprint: "8D10C53CED819F7C8AD93888E59F858F05C78659" },
            runtimeConfig: { "accept-nvidia-visible-devices-envvar-when-unprivileged": false, "nvidia-container-cli.ldconfig": "@/sbin/ldconfig" },
        });
        expect(toolkit("gpu-08")).toMatchObject({ version: "1.19.1", repository: { url: "https://nvidia.github.io/libnvidia-container/stable/deb/amd64" } });
    });

    it("maps onDestroy: restore to every resource that undoes something, keep by default", () => {
        const inputs = (type: string, name: string) => byType(type).find((r) => r.name === name)!.inputs;
        expect(inputs("gnh:host:DockerDaemonConfig", "gpu-07-daemon-json").onDestroy).toBe("restore");
        expect(inputs("gnh:host:File", "gpu-07-seccomp-json")).toMatchObject({ keepOnDelete: false, keepWhileNamedBy: { file: "/etc/docker/daemon.json", key: "seccomp-profile" } });
        expect(inputs("gnh:host:File", "gpu-08-seccomp-json")).toMatchObject({ keepOnDelete: true });
        expect(inputs("gnh:host:DockerDaemonConfig", "gpu-08-daemon-json").onDestroy ?? "keep").toBe("keep");
    });

    it("hands every host resource the node's connection, fleet file included", () => {
        for (const resource of registered.filter((r) => r.type.startsWith("gnh:host:"))) {
            const node = resource.name.slice(0, "gpu-07".length);
            expect((resource.inputs.connection as { name: string; fleetFile: string }), resource.name).toMatchObject({ name: node, fleetFile: "/srv/fleet.yaml" });
        }
    });
});
