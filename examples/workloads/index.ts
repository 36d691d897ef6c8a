// GPU workloads on a hardened node. `trainer` uses HardenedGpuContainer: its defaults pass every
// GNH-CONTAINER-* rule. With config `includeNonCompliant: true` the program also declares a raw
// docker.Container that breaks them (nonCompliant.ts), so that the policy pack has something to
// refuse. Config:
//   fleetFile       the fleet file (default: the lab's, ../../.lab/fleet.yaml)
//   node            the node to run on (default gnh-node-2)
//   image           the training image, pinned by digest (required)
//   gpus            GPU indices, UUIDs or CDI names (default ["0"])
//   knownHostsFile  where the node's host key is written for the docker provider's ssh
//                   (default: a file per stack in the system temp directory)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { dockerProviderFor, HardenedGpuContainer, writeKnownHosts } from "../../components/gpuContainer";
import { parseFleet } from "../../lib/fleet";
import { DEFAULT_ALLOWED_REGISTRIES } from "../../rules/containerRules";
import { nonCompliantContainer } from "./nonCompliant";

const config = new pulumi.Config();
const fleetFile = path.resolve(config.get("fleetFile") ?? path.join(__dirname, "..", "..", ".lab", "fleet.yaml"));
const nodeName = config.get("node") ?? "gnh-node-2";
const fleet = parseFleet(fs.readFileSync(fleetFile, "utf8"), fleetFile);
const fleetNode = fleet.nodes.find((n) => n.name === nodeName);
if (fleetNode === undefined) {
    throw new Error(`node ${nodeName} is not in ${fleetFile}`);
}
const knownHostsFile = config.get("knownHostsFile") ?? path.join(os.tmpdir(), `gnh-known-hosts-${pulumi.getProject()}-${pulumi.getStack()}`);
writeKnownHosts(knownHostsFile, [fleetNode]);
const node = { ...fleetNode, knownHostsFile };

const trainer = new HardenedGpuContainer("trainer", {
    node,
    image: config.require("image"),
    // NVIDIA's registry and the fleet's own (the lab's: gnh-registry:5000)
    allowedRegistries: [...DEFAULT_ALLOWED_REGISTRIES, ...(fleet.registry ? [fleet.registry.host] : [])],
    user: "1000:1000",
    gpus: config.getObject<string[]>("gpus") ?? ["0"],
    command: ["python", "-m", "train", "--data", "/data"],
    env: { HOME: "/tmp" },
    memoryMb: 16384,
    cpus: 8,
    shmSizeMb: 1024,
    hostPaths: [
        { source: "/srv/datasets/imagenet", target: "/data" },
        { source: "/srv/checkpoints/trainer", target: "/checkpoints" },
    ],
    writableHostPaths: ["/srv/checkpoints/trainer"],
    ports: [{ internal: 6006 }],
    bindAddress: "127.0.0.1",
    labels: { team: "vision" },
});

if (config.getBoolean("includeNonCompliant")) {
    nonCompliantContainer("legacy-notebook", dockerProviderFor(node));
}

export const trainerContainer = trainer.containerName;
