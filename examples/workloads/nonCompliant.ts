// A raw docker.Container the way many GPU notebooks are started: it breaks most container rules on
// purpose, so the policy pack and its tests have a known-bad workload next to the good one.
// Do not copy it.
import * as docker from "@pulumi/docker";

export function nonCompliantContainer(name: string, provider: docker.Provider): docker.Container {
    return new docker.Container(name, {
        name,
        image: "nvcr.io/nvidia/pytorch:24.05-py3",
        gpus: "all",
        runtime: "nvidia",
        privileged: true,
        user: "root",
        networkMode: "host",
        ipcMode: "host",
        envs: ["NVIDIA_VISIBLE_DEVICES=all"],
        capabilities: { adds: ["SYS_ADMIN"] },
        securityOpts: ["seccomp=unconfined"],
        volumes: [
            { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" },
            { hostPath: "/etc", containerPath: "/host/etc" },
        ],
        restart: "always",
        ports: [{ internal: 8888, external: 8888 }],
    }, { provider });
}
