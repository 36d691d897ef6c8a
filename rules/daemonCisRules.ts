// CIS Docker Benchmark 1.6.0 section 2 controls that forbid rather than set (2.6, 2.10, 2.11), the
// authorization-plugin choice (2.12), and a daemon.json that gives a key twice. None has a `desired` value: HardenedDockerDaemon writes
// none of these keys, and these rules report a daemon.json that does.
import { DaemonRule, onDaemon } from "./daemonFacts";
import { cis, fail, pass, seed } from "./rule";

/** A daemon.json list option as dockerd reads it: a JSON array of strings (anything else fails to load). */
function stringList(value: unknown): string[] | undefined {
    return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

export const daemonStorageDriver: DaemonRule = {
    id: "GNH-DAEMON-STORAGE-DRIVER",
    title: "The aufs storage driver is not used",
    severity: "medium",
    controls: [cis("2.6")],
    rationale: "Mandatory: aufs is unmaintained, has had privilege-escalation bugs, and is gone from Docker 24; a daemon.json that asks for it names a driver no supported Docker has.",
    remediation: 'Remove "storage-driver": "aufs" (Docker picks overlay2) and migrate the images.',
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => (daemon["storage-driver"] === "aufs" ? fail('daemon.json "storage-driver" is "aufs"') : pass)),
};

export const daemonCgroupParent: DaemonRule = {
    id: "GNH-DAEMON-CGROUP-PARENT",
    title: "Containers use Docker's default parent cgroup",
    severity: "low",
    controls: [cis("2.10")],
    rationale: "Advisory: \"cgroup-parent\" puts every container under a cgroup whose limits Docker does not set; it has uses (a slice with its own limits), so it is reported for confirmation.",
    remediation: 'Remove "cgroup-parent" from daemon.json unless that cgroup\'s limits were chosen for the containers.',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => {
        const parent = daemon["cgroup-parent"];
        return parent === undefined || parent === "" ? pass : fail(`daemon.json "cgroup-parent" is ${JSON.stringify(parent)}: confirm its limits`);
    }),
};

export const daemonBaseDeviceSize: DaemonRule = {
    id: "GNH-DAEMON-BASE-DEVICE-SIZE",
    title: "The devicemapper base device size is not changed",
    severity: "low",
    controls: [cis("2.11")],
    rationale: "Advisory: a larger dm.basesize lets every container grow its root filesystem until the pool is full, a denial of service for the node.",
    remediation: 'Remove "dm.basesize=..." from "storage-opts".',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => {
        const opts = daemon["storage-opts"];
        if (opts === undefined) {
            return pass;
        }
        const list = stringList(opts);
        if (list === undefined) {
            return fail(`daemon.json "storage-opts" is ${JSON.stringify(opts)}, not a list of strings`);
        }
        const basesize = list.find((o) => o.trim().toLowerCase().startsWith("dm.basesize"));
        return basesize === undefined ? pass : fail(`daemon.json "storage-opts" sets ${basesize}`);
    }),
};

export const daemonAuthorization: DaemonRule = {
    id: "GNH-DAEMON-AUTHORIZATION",
    title: "An authorization plugin decides what Docker clients may do",
    severity: "low",
    controls: [cis("2.12")],
    rationale: "Advisory, a documented choice: without an authorization plugin, anyone who reaches the Docker socket (root and the docker group) can do everything, including start privileged containers. The hardened fleet keeps the socket to root; a plugin (OPA, Casbin) is the next layer, which this project does not install.",
    remediation: 'Install an authorization plugin and name it in "authorization-plugins"; until then keep the docker group empty.',
    enforcement: "advisory",
    checkedAt: ["preview", "audit"],
    evaluate: onDaemon((daemon) => {
        const plugins = daemon["authorization-plugins"];
        if (plugins === undefined) {
            return fail('daemon.json names no "authorization-plugins"');
        }
        const list = stringList(plugins);
        if (list === undefined) {
            return fail(`daemon.json "authorization-plugins" is ${JSON.stringify(plugins)}, not a list of plugin names`);
        }
        return list.length > 0 ? pass : fail('daemon.json "authorization-plugins" is empty');
    }),
};

export const daemonJsonUnambiguous: DaemonRule = {
    id: "GNH-DAEMON-JSON-UNAMBIGUOUS",
    title: "daemon.json gives each key once",
    severity: "medium",
    controls: [seed("judge what runs")],
    rationale: "Mandatory: with a key written twice dockerd (Go's encoding/json) takes the last value and says nothing, so whoever reads the file sees \"icc\": false at the top while icc is on. Every rule here judges the value dockerd uses; this one reports the trap.",
    remediation: "Remove all but one of each duplicated key from /etc/docker/daemon.json (up rewrites the file without duplicates when it changes a managed key).",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => onDaemon(() => {
        const duplicated = facts.duplicateKeys ?? [];
        return duplicated.length > 0 ? fail(`daemon.json gives ${duplicated.map((k) => `"${k}"`).join(", ")} more than once; dockerd uses the last`) : pass;
    })(facts),
};

export const daemonCisRules: readonly DaemonRule[] = [daemonStorageDriver, daemonCgroupParent, daemonBaseDeviceSize, daemonAuthorization, daemonJsonUnambiguous];
