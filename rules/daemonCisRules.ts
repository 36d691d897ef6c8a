// CIS Docker Benchmark 1.6.0 section 2 controls that forbid rather than set (2.6, 2.10, 2.11), the
// authorization-plugin choice (2.12), and a daemon.json that gives a key twice. None has a `desired` value: HardenedDockerDaemon writes
// none of these keys, and these rules report a daemon.json that does.
import { DaemonFacts, DaemonRule, onDaemon } from "./daemonFacts";
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

/** What daemon.json asks for that the running dockerd shows in docker info, and whether it does. */
function notInForce(daemon: Readonly<Record<string, unknown>>, running: NonNullable<DaemonFacts["running"]>): string[] {
    const gaps: string[] = [];
    const liveRestore = daemon["live-restore"] === true;
    if (running.liveRestore !== undefined && running.liveRestore !== liveRestore) {
        gaps.push(`"live-restore" is ${liveRestore} in the file, ${running.liveRestore} in the running daemon`);
    }
    const security = running.securityOptions.flatMap((o) => o.split(","));
    if (daemon["no-new-privileges"] === true && !security.includes("name=no-new-privileges")) {
        gaps.push('"no-new-privileges" is true in the file, not in force in the running daemon');
    }
    const profile = daemon["seccomp-profile"];
    if (typeof profile === "string" && profile !== "builtin" && profile !== "unconfined" && !security.includes(`profile=${profile}`)) {
        gaps.push(`"seccomp-profile" is ${profile} in the file; the running daemon uses ${security.find((o) => o.startsWith("profile="))?.slice("profile=".length) ?? "another"}`);
    }
    const defaultRuntime = typeof daemon["default-runtime"] === "string" ? daemon["default-runtime"] : "runc";
    if (running.defaultRuntime !== undefined && running.defaultRuntime !== defaultRuntime) {
        gaps.push(`"default-runtime" is ${defaultRuntime} in the file, ${running.defaultRuntime} in the running daemon`);
    }
    const runtimes = typeof daemon.runtimes === "object" && daemon.runtimes !== null ? Object.keys(daemon.runtimes) : [];
    const missing = runtimes.filter((r) => !running.runtimes.includes(r));
    if (missing.length > 0) {
        gaps.push(`runtime${missing.length > 1 ? "s" : ""} ${missing.join(", ")} in the file, not registered in the running daemon`);
    }
    return gaps;
}

export const daemonConfigInForce: DaemonRule = {
    id: "GNH-DAEMON-CONFIG-IN-FORCE",
    title: "The running dockerd has daemon.json's settings in force",
    severity: "high",
    controls: [seed("judge what runs")],
    rationale: "Mandatory: daemon.json is read when dockerd starts (and some keys on reload); a file changed since then is not what runs, and a hardened file over a daemon started without it protects nothing. Judged on what docker info reports: live-restore, no-new-privileges, the seccomp profile, the default runtime and the registered runtimes.",
    remediation: "Apply the file: systemctl reload docker for live-restore, restart Docker for the others (up does either, with a rollback), then audit again.",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: (facts) => onDaemon((daemon) => {
        if (facts.running === undefined) {
            return pass; // only docker info can tell, and only the audit asks it
        }
        const gaps = notInForce(daemon, facts.running);
        return gaps.length > 0 ? fail(`daemon.json is not what runs (restart or reload pending): ${gaps.join("; ")}`) : pass;
    })(facts),
};

export const daemonCisRules: readonly DaemonRule[] = [daemonStorageDriver, daemonCgroupParent, daemonBaseDeviceSize, daemonAuthorization, daemonJsonUnambiguous, daemonConfigInForce];
