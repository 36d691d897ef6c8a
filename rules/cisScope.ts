// CIS Docker Benchmark 1.6.0 controls that no rule of ours implements, each with the reason. With
// the rules' own citations this accounts for every control of the benchmark (a test checks), and
// docs/cis.md is generated from both.
const IMAGE_BUILD = "About how images are built (the Dockerfile and its packages), not about a GPU node: it belongs in the image pipeline (a Dockerfile linter, an image scanner at the registry). On the node, no-new-privileges (5.26) and the non-root user (4.1) blunt what a careless image brings.";

const DOCKER_EXEC = "docker exec is a client action, not a container setting: there is nothing on the node to judge before or after it. dockerd's activity is recorded by the auditd watches (GNH-AUDIT-*, 1.1.x); exec history is read from that trail.";
const SWARM_ONLY = "Swarm only: GPU fleets here run without swarm, and GNH-HOST-SWARM-MODE (5.1) reports a node where swarm mode is on.";

export const CIS_OUT_OF_SCOPE: Readonly<Record<string, string>> = {
    "1.2.1": "The host operating system's own hardening is a benchmark of its own (CIS Debian or Ubuntu Linux), checked with the distribution's tooling; this project hardens Docker and the NVIDIA stack on top of it.",
    "4.3": IMAGE_BUILD,
    "4.4": "Image scanning and rebuilding happen at the registry and in the image pipeline; on the node, images are pinned by digest from allowed registries (GNH-CONTAINER-IMAGE-PINNED), so a rebuilt image reaches the node as a reviewed change.",
    "4.5": "DOCKER_CONTENT_TRUST is a setting of the Docker client's shell, not of the node, and Docker Content Trust (Notary v1) is deprecated; images are pinned by digest from allowed registries instead (GNH-CONTAINER-IMAGE-PINNED), which fixes the exact bytes that run.",
    "4.7": IMAGE_BUILD,
    "4.8": IMAGE_BUILD,
    "4.9": IMAGE_BUILD,
    "4.10": IMAGE_BUILD,
    "4.11": IMAGE_BUILD,
    "4.12": IMAGE_BUILD,
    "5.23": DOCKER_EXEC,
    "5.24": DOCKER_EXEC,
    "5.28": "About the habit of pulling before running; this project pins images by digest instead (GNH-CONTAINER-IMAGE-PINNED), so which image runs is a reviewed value, never whatever 'latest' is that day.",
    "7.1": SWARM_ONLY,
    "7.2": SWARM_ONLY,
    "7.3": SWARM_ONLY,
    "7.4": SWARM_ONLY,
    "7.5": SWARM_ONLY,
    "7.6": SWARM_ONLY,
    "7.7": SWARM_ONLY,
    "7.8": SWARM_ONLY,
    "7.9": SWARM_ONLY,
};
