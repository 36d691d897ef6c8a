// CIS Docker Benchmark 1.6.0 host controls judged on the running daemon (docker info, its own
// command line) and the files daemon.json names: Docker's partition (1.1.1), the docker group (1.1.2), rootless mode (2.1), TLS file owners and modes (3.9-3.14), swarm mode
// (5.1) and sprawl (6.1, 6.2). Each says in its rationale why it is mandatory or advisory.
import { modeAllowed } from "../lib/fileModes";
import type { HostFacts, LiveRule } from "./liveRules";
import { parseDockerdFlags } from "./normalisers/dockerdFlags";
import { cleanPath } from "./normalisers/hostPath";
import { cis, fail, notApplicable, pass, seed, Verdict } from "./rule";

/** Where dockerd reads its configuration unless --config-file says otherwise. */
const DAEMON_JSON_PATH = "/etc/docker/daemon.json";

/** docker-bench-security's line for stopped containers, kept so that its readers see the same verdict. */
const STOPPED_CONTAINERS_LIMIT = 25;
/** GPU nodes pre-pull a few large images for the jobs to come: that many unused is not sprawl. */
const UNUSED_IMAGES_ALLOWED = 5;

const onDocker = (check: (docker: NonNullable<HostFacts["docker"]>) => Verdict) => (facts: HostFacts): Verdict =>
    facts.docker === undefined ? notApplicable("docker info did not answer") : check(facts.docker);

export const hostDockerPartition: LiveRule = {
    id: "GNH-HOST-DOCKER-PARTITION",
    title: "Docker's data lives on a filesystem of its own",
    severity: "low",
    controls: [cis("1.1.1")],
    rationale: "Advisory: images and container layers (tens of GB per CUDA image) that share the root filesystem can fill it, and a full / stops logging, auditd and sshd. A separate filesystem is a provisioning choice this project cannot make after the fact.",
    remediation: "Mount a filesystem of its own at Docker's root directory (/var/lib/docker) when the node is provisioned.",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        const mount = facts.dockerRootMount;
        if (mount === undefined) {
            return notApplicable("the filesystem of Docker's root directory is not known");
        }
        return mount.mountPoint === "/" ? fail(`Docker's root directory ${mount.dir} is on the root filesystem`) : pass;
    },
};

export const hostDockerGroup: LiveRule = {
    id: "GNH-HOST-DOCKER-GROUP",
    title: "No user controls Docker through the docker group",
    severity: "medium",
    controls: [cis("1.1.2")],
    rationale: "Advisory: every member of the docker group can start a privileged container, which is root on the node, with no authorization plugin to stop them (CIS 2.12). Who is trusted is the fleet's decision, so the members are named for review rather than refused.",
    remediation: "Remove users from the docker group (gpasswd -d USER docker); give them sudo rules for what they need, or jobs through the scheduler.",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        const members = facts.dockerGroup ?? [];
        return members.length > 0 ? fail(`the docker group has member${members.length > 1 ? "s" : ""} ${members.join(", ")}: each is root on the node`) : pass;
    },
};

export const daemonRootless: LiveRule = {
    id: "GNH-DAEMON-ROOTLESS",
    title: "The Docker daemon runs rootless where it can",
    severity: "low",
    controls: [cis("2.1")],
    rationale: "Advisory, a documented choice: a rootless dockerd turns a container escape into an unprivileged user's compromise. GPU nodes run rootful Docker because the NVIDIA runtime's hook needs root to set up device nodes and cgroups; the rest of the hardening assumes that.",
    remediation: "Where GPUs are not needed, run dockerd rootless (dockerd-rootless-setuptool.sh install); on GPU nodes keep the documented rootful setup.",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: onDocker((docker) => docker.securityOptions.includes("name=rootless") ? pass : fail("dockerd runs as root (rootful): docker info lists no name=rootless")),
};

/** CIS 3.9-3.14: the most permissive mode for each TLS file, by daemon.json key. */
const TLS_MODES: Readonly<Record<string, string>> = { tlscacert: "444", tlscert: "444", tlskey: "400" };

export const runtimeTlsFiles: LiveRule = {
    id: "GNH-RUNTIME-TLS-FILES",
    title: "The daemon's TLS CA, certificate and key are root:root, 444 (key 400)",
    severity: "high",
    controls: [cis("3.9"), cis("3.10"), cis("3.11"), cis("3.12"), cis("3.13"), cis("3.14")],
    rationale: "Mandatory where TLS is configured: whoever can replace the CA or certificate decides which clients dockerd trusts, and a readable key lets anyone impersonate the daemon to its clients.",
    remediation: "chown root:root and chmod 444 the CA and certificate, 400 the key; keep them under /etc/docker, where the audit reads them.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        const tls = facts.tlsFiles ?? [];
        if (tls.length === 0) {
            return notApplicable("daemon.json names no TLS files");
        }
        const problems: string[] = [];
        for (const { key, path } of tls) {
            const wanted = TLS_MODES[key] ?? "400";
            const stat = (facts.files ?? []).find((f) => f.path === path);
            if (stat === undefined) {
                problems.push(`${key} ${path} was not read (the audit reads files under /etc/docker)`);
            } else if (stat.symlink) {
                problems.push(`${key} ${path} is a symbolic link: the audit judges files, not links`);
            } else if (stat.mode === undefined) {
                problems.push(`${key} ${path} does not exist`);
            } else if (`${stat.owner}:${stat.group}` !== "root:root" || !modeAllowed(stat.mode, wanted)) {
                problems.push(`${key} ${path} is ${stat.owner}:${stat.group} ${stat.mode}, expected root:root ${wanted} or stricter`);
            }
        }
        return problems.length > 0 ? fail(problems.join("; ")) : pass;
    },
};

export const runtimeDockerdArgs: LiveRule = {
    id: "GNH-RUNTIME-DOCKERD-ARGS",
    title: "The running dockerd has no TCP socket without TLS and reads the daemon.json we judge",
    severity: "critical",
    controls: [cis("2.7"), seed("judge what runs")],
    rationale: "Mandatory: daemon.json is not all of dockerd's configuration. A systemd drop-in or /etc/default/docker can add -H tcp://0.0.0.0:2375 (the Docker API, root on the node, open to the network) or point --config-file at another file, so that every daemon rule judges a file dockerd does not read. Judged on the running process's own argv, read as dockerd's flag parser reads it (--host=, -H value, -Hvalue; --tlsverify=BOOL).",
    remediation: "Remove the -H tcp:// flag (or add --tlsverify with --tlscacert/--tlscert/--tlskey), and --config-file, from the drop-in that sets them (systemctl cat docker shows which), then restart Docker; this project never edits units it did not write.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => {
        if (facts.dockerd === undefined) {
            return notApplicable("dockerd is not running");
        }
        const flags = parseDockerdFlags(facts.dockerd.argv);
        const verified = flags.tlsverify ?? facts.dockerd.fileTlsVerify === true;
        const problems = [
            ...flags.hosts.filter((h) => /^tcp:\/\//i.test(h) && !verified).map((h) => `listens on ${h} without TLS verification`),
            ...(flags.configFile !== undefined && cleanPath(flags.configFile) !== DAEMON_JSON_PATH ? [`reads ${flags.configFile}, not ${DAEMON_JSON_PATH} (--config-file)`] : []),
            ...flags.unreadable.map((f) => `has a flag dockerd could not read: ${f}`),
        ];
        // the drop-ins first: long messages are cut short in a preview's diff
        const [fragment, ...dropIns] = facts.dockerd.unitFiles ?? [];
        const source = dropIns.length > 0 ? `drop-in${dropIns.length > 1 ? "s" : ""} ${dropIns.join(", ")} over ${fragment}` : fragment !== undefined ? `unit ${fragment}` : "";
        return problems.length > 0 ? fail(`dockerd ${problems.join("; ")} (${source ? `${source}; ` : ""}command line: ${facts.dockerd.argv.join(" ")})`) : pass;
    },
};

export const hostSwarmMode: LiveRule = {
    id: "GNH-HOST-SWARM-MODE",
    title: "Swarm mode is off unless the fleet uses swarm",
    severity: "medium",
    controls: [cis("5.1")],
    rationale: "Advisory: an active swarm opens its management ports (2377/tcp, 7946, 4789/udp) and lets managers schedule containers onto the node outside this project's review. A fleet that uses swarm waives this rule and takes on section 7.",
    remediation: "docker swarm leave on nodes that are not meant to be in a swarm.",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: onDocker((docker) => {
        if (docker.swarm === "") {
            return notApplicable("docker info does not say whether swarm mode is on");
        }
        return docker.swarm === "inactive" ? pass : fail(`swarm mode is ${docker.swarm}`);
    }),
};

export const hostImageSprawl: LiveRule = {
    id: "GNH-HOST-IMAGE-SPRAWL",
    title: "Most images on the node are in use",
    severity: "low",
    controls: [cis("6.1")],
    rationale: `Advisory: old CUDA images pile up on GPU nodes (tens of GB each); unused ones keep old, vulnerable packages on the host and fill the disk that running jobs need. Reported when more than half the images are unused (docker-bench-security's line) and more than ${UNUSED_IMAGES_ALLOWED} are: a few pre-pulled images are normal.`,
    remediation: "docker image prune -a on a schedule (keeping what the fleet's jobs pin).",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: onDocker((docker) => {
        const unused = docker.images - docker.imagesInUse;
        return docker.imagesInUse < docker.images / 2 && unused > UNUSED_IMAGES_ALLOWED ? fail(`${unused} of ${docker.images} images are used by no container`) : pass;
    }),
};

export const hostContainerSprawl: LiveRule = {
    id: "GNH-HOST-CONTAINER-SPRAWL",
    title: "Stopped containers do not pile up",
    severity: "low",
    controls: [cis("6.2")],
    rationale: `Advisory: stopped containers keep their writable layers, logs and environment (secrets passed as variables) on the node; more than ${STOPPED_CONTAINERS_LIMIT} is docker-bench-security's line.`,
    remediation: "docker container prune, and run jobs with --rm where their output is kept elsewhere.",
    enforcement: "advisory",
    checkedAt: ["audit"],
    evaluate: onDocker((docker) => {
        const stopped = docker.containers - docker.containersRunning;
        return stopped > STOPPED_CONTAINERS_LIMIT ? fail(`${stopped} containers are not running (more than ${STOPPED_CONTAINERS_LIMIT})`) : pass;
    }),
};

export const hostCisRules: readonly LiveRule[] = [hostDockerPartition, hostDockerGroup, daemonRootless, runtimeDockerdArgs, runtimeTlsFiles, hostSwarmMode, hostImageSprawl, hostContainerSprawl];
