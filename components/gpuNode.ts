// GpuNode: one hardened GPU host — the toolkit first, then the seccomp profile, then the daemon
// that refers to both — with a summary of what the host now runs.
import * as pulumi from "@pulumi/pulumi";
import { AdvisoryData } from "../lib/advisories";
import { OnDestroy } from "../lib/destroyPlan";
import { DEFAULT_TOOLKIT_VERSION, RuntimeConfig } from "../lib/toolkitConfig";
import { NodeConnection } from "../lib/nodeConnection";
import { DaemonJson } from "../rules/daemonRules";
import { CisFileModes } from "./cisFileModes";
import { DockerAuditRules } from "./dockerAuditRules";
import { HardenedDockerDaemon } from "./dockerDaemon";
import { NvidiaContainerToolkit } from "./nvidiaToolkit";
import { SeccompProfile } from "./seccompProfile";

export interface GpuNodeArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    /** All four toolkit packages' version; default DEFAULT_TOOLKIT_VERSION. */
    readonly toolkitVersion?: string;
    /** config.toml keys to manage besides the hardened ones (the policy pack still judges the result). */
    readonly toolkitExtraRuntimeConfig?: RuntimeConfig;
    /** The advisory data the pin is checked against; default the built-in data. */
    readonly advisories?: AdvisoryData;
    /** Repository root laid out like NVIDIA's (`<root>/stable/deb/amd64`, `<root>/gpgkey`); default NVIDIA's. */
    readonly mirrorUrl?: string;
    readonly mirrorFingerprint?: string;
    /** Where the mirror's key is fetched from; default `<mirrorUrl>/gpgkey`. */
    readonly mirrorKeyUrl?: string;
    readonly daemonOverrides?: DaemonJson;
    /** At most this many nodes restart Docker at the same time (default 1). */
    readonly maxParallelRestarts?: number;
    /** What `pulumi destroy` does to daemon.json and the seccomp profile (default keep; see docs/components.md). */
    readonly onDestroy?: OnDestroy;
}

export class GpuNode extends pulumi.ComponentResource {
    public readonly toolkitVersion: pulumi.Output<string>;
    public readonly daemonSettingsHash: pulumi.Output<string>;
    public readonly seccompSha256: pulumi.Output<string>;
    /** Whether auditd loaded the CIS 1.1.x watches, or why not (written but not loaded without auditd). */
    public readonly auditRulesStatus: pulumi.Output<string>;

    constructor(name: string, args: GpuNodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:GpuNode", name, {}, opts);
        const toolkit = new NvidiaContainerToolkit(name, {
            connection: args.connection,
            version: args.toolkitVersion ?? DEFAULT_TOOLKIT_VERSION,
            advisories: args.advisories,
            extraRuntimeConfig: args.toolkitExtraRuntimeConfig,
            repositoryUrl: args.mirrorUrl ? `${args.mirrorUrl.replace(/\/+$/, "")}/stable/deb/amd64` : undefined,
            keyUrl: args.mirrorKeyUrl ?? (args.mirrorUrl ? `${args.mirrorUrl.replace(/\/+$/, "")}/gpgkey` : undefined),
            fingerprint: args.mirrorFingerprint,
        }, { parent: this });
        const seccomp = new SeccompProfile(name, { connection: args.connection, onDestroy: args.onDestroy }, { parent: this });
        const daemon = new HardenedDockerDaemon(name, { connection: args.connection, overrides: args.daemonOverrides, maxParallelRestarts: args.maxParallelRestarts, onDestroy: args.onDestroy },
            { parent: this, dependsOn: [toolkit, seccomp] });
        // After the daemon: daemon.json must exist to be watched (only existing paths are) and moded.
        const audit = new DockerAuditRules(name, { connection: args.connection, onDestroy: args.onDestroy }, { parent: this, dependsOn: [daemon] });
        new CisFileModes(name, { connection: args.connection }, { parent: this, dependsOn: [daemon] });
        this.toolkitVersion = toolkit.version;
        this.daemonSettingsHash = daemon.effectiveHash;
        this.seccompSha256 = seccomp.sha256;
        this.auditRulesStatus = audit.loadStatus;
        this.registerOutputs({ toolkitVersion: this.toolkitVersion, daemonSettingsHash: this.daemonSettingsHash, seccompSha256: this.seccompSha256, auditRulesStatus: this.auditRulesStatus });
    }
}
