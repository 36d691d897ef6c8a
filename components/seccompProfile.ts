// SeccompProfile: the daemon-wide seccomp profile at /etc/docker/seccomp.json (root:root 0644,
// CIS 3.x), built from Docker's default by lib/seccompProfile.ts.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ON_DESTROY, OnDestroy } from "../lib/destroyPlan";
import { NodeConnection } from "../lib/nodeConnection";
import { renderHardenedProfile, SeccompProfileJson } from "../lib/seccompProfile";
import { mobyDefaultProfilePath } from "../lib/toolsPaths";
import { SECCOMP_PROFILE_PATH } from "../rules/daemonRules";
import { ManagedFile } from "../sdk/managedFile";
import { findProjectRoot } from "../lib/projectRoot";

export interface SeccompProfileArgs {
    readonly connection: pulumi.Input<NodeConnection>;
    /** keep (default): destroy leaves the profile; restore: destroy removes it unless daemon.json (restored by then) still names it. */
    readonly onDestroy?: OnDestroy;
}

export class SeccompProfile extends pulumi.ComponentResource {
    public readonly path: pulumi.Output<string>;
    public readonly sha256: pulumi.Output<string>;

    constructor(name: string, args: SeccompProfileArgs, opts?: pulumi.ComponentResourceOptions) {
        super("gpu-node-hardening:index:SeccompProfile", name, {}, opts);
        const basePath = mobyDefaultProfilePath(findProjectRoot(__dirname));
        if (!fs.existsSync(basePath)) {
            throw new Error(`${basePath} is missing: run 'npm run setup' (it fetches Docker's default seccomp profile)`);
        }
        const base = JSON.parse(fs.readFileSync(basePath, "utf8")) as SeccompProfileJson;
        const file = new ManagedFile(`${name}-seccomp-json`, {
            connection: args.connection,
            path: SECCOMP_PROFILE_PATH,
            content: renderHardenedProfile(base),
            mode: "0644",
            // keep: daemon.json keeps pointing at it after a destroy. restore: the daemon resource
            // (destroyed first: it depends on this one) has put the original daemon.json back.
            ...((args.onDestroy ?? DEFAULT_ON_DESTROY) === "keep"
                ? { keepOnDelete: true }
                : { keepOnDelete: false, keepWhileNamedBy: { file: "/etc/docker/daemon.json", key: "seccomp-profile" } }),
        }, { parent: this });
        this.path = file.path;
        this.sha256 = file.sha256;
        this.registerOutputs({ path: this.path, sha256: this.sha256 });
    }
}
