// The lab registry (lab/registry/, docs/lab.md): Debian's docker-registry on the lab network, TLS
// from the lab's own CA that every node's Docker trusts. An image pushed from gnh-node-2 is pulled
// BY DIGEST on gnh-node-3 and is the same image; an unknown digest and a manifest changed in the
// registry's storage are refused; a node without the CA cannot pull at all.
//
// Mutates only gnh-node-2 (the sample image) and gnh-node-3 (pulls; its CA file is moved away and
// put back), plus a throwaway repository gnh/tamper in the registry (its manifest is restored).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../lib/shellQuote";
import { onNode, onNodeOk, requireLab } from "../support/lab";
import { caPathOnNode, labRegistry, pushSampleImage, REGISTRY_CONTAINER } from "../support/registry";

const pusher = "gnh-node-2";
const puller = "gnh-node-3";
/** Where the registry keeps a blob (config.yml's rootdirectory, distribution's layout). */
const blobPath = (hex: string) => `/srv/registry/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`;

let registry: { host: string; caFile: string };
let reference: string;

const docker = (...args: string[]) => spawnSync("docker", args, { encoding: "utf8", timeout: 60_000 });
const forget = (node: string, ref: string) => onNode(node, `docker rmi --force ${shellQuote(ref)} >/dev/null 2>&1; true`);
const pull = (node: string, ref: string) => onNode(node, `docker pull ${shellQuote(ref)}`);

beforeAll(() => {
    requireLab();
    registry = labRegistry();
    reference = pushSampleImage(pusher);
}, 300_000);

afterAll(() => {
    forget(puller, reference);
});

describe("lab registry", () => {
    it("runs on the lab network only, TLS with the lab CA, recorded in the fleet file and trusted by every node", () => {
        expect(registry.host).toBe("gnh-registry:5000");
        expect(fs.readFileSync(registry.caFile, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
        const live = JSON.parse(docker("inspect", REGISTRY_CONTAINER).stdout)[0];
        expect(live.State.Running).toBe(true);
        expect(Object.keys(live.NetworkSettings.Networks)).toEqual(["gnh-lab"]);
        expect(live.HostConfig.PortBindings ?? {}).toEqual({});
        expect(live.HostConfig.ReadonlyRootfs).toBe(true);
        expect(live.HostConfig.CapDrop).toEqual(["ALL"]);
        const ca = fs.readFileSync(registry.caFile, "utf8");
        for (const node of [pusher, puller]) {
            expect(onNodeOk(node, `cat ${shellQuote(caPathOnNode(registry.host))}`)).toBe(ca);
            // Trusted through the CA, not waved through: no insecure registry but loopback (Docker's default).
            expect(JSON.parse(onNodeOk(node, "docker info --format '{{json .RegistryConfig.InsecureRegistryCIDRs}}'"))).toEqual(["127.0.0.0/8"]);
        }
    });

    it("serves the image pushed from one node by digest to another, unchanged", () => {
        expect(reference).toMatch(new RegExp(`^${registry.host}/gnh/sleep@sha256:[0-9a-f]{64}$`));
        forget(puller, reference);
        const pulled = pull(puller, reference);
        expect(pulled.status, pulled.stderr).toBe(0);
        expect(pulled.stdout).toContain(`Digest: ${reference.split("@")[1]}`);
        // Same image ID (the digest of its config) on both nodes: the same content.
        const pushedId = onNodeOk(pusher, `docker image inspect -f '{{.Id}}' ${shellQuote(`${registry.host}/gnh/sleep:1`)}`).trim();
        const pulledImage = JSON.parse(onNodeOk(puller, `docker image inspect ${shellQuote(reference)}`))[0];
        expect(pulledImage.Id).toBe(pushedId);
        expect(pulledImage.RepoDigests).toEqual([reference]);
        expect(pulledImage.RepoTags).toEqual([]);
        expect(onNodeOk(puller, `docker run --rm --user 1000:1000 ${shellQuote(reference)} /usr/bin/id -u`).trim()).toBe("1000");
    });

    it("refuses a digest it does not hold", () => {
        const unknown = reference.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
        const pulled = pull(puller, unknown);
        expect(pulled.status).not.toBe(0);
        expect(pulled.stderr).toContain("manifest unknown");
    });

    it("a manifest changed in the registry's storage fails digest verification on the node", () => {
        // A repository of its own, so that only this throwaway manifest is ever changed.
        const tag = `${registry.host}/gnh/tamper:${Date.now()}`;
        const pushed = onNodeOk(puller, [
            "set -e",
            `tar -C / -ch usr/bin/sleep usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 | docker import - ${shellQuote(tag)} >/dev/null`,
            `docker push --quiet ${shellQuote(tag)} >/dev/null`,
            `docker image inspect -f '{{index .RepoDigests 0}}' ${shellQuote(tag)}`,
            `docker rmi ${shellQuote(tag)} >/dev/null`,
        ].join("\n")).trim();
        const hex = /@sha256:([0-9a-f]{64})$/.exec(pushed)?.[1];
        expect(hex, pushed).toBeDefined();
        const blob = blobPath(hex!);
        const sha = () => docker("exec", REGISTRY_CONTAINER, "sha256sum", blob).stdout.split(" ")[0];
        expect(sha()).toBe(hex);
        // Same size, still valid JSON: one indentation space becomes a tab.
        const changed = docker("exec", REGISTRY_CONTAINER, "sh", "-c", 'cp -p "$1" "$1.orig" && sed -i "2s/^   /  \\t/" "$1"', "sh", blob);
        expect(changed.status, changed.stderr).toBe(0);
        try {
            expect(sha()).not.toBe(hex);
            const pulled = pull(puller, pushed);
            expect(pulled.status).not.toBe(0);
            expect(pulled.stderr).toContain(`manifest verification failed for digest sha256:${hex}`);
        } finally {
            docker("exec", REGISTRY_CONTAINER, "mv", `${blob}.orig`, blob);
        }
        expect(sha()).toBe(hex);
    });

    it("verifies TLS: without the lab CA a node cannot pull", () => {
        const ca = shellQuote(caPathOnNode(registry.host));
        forget(puller, reference);
        onNodeOk(puller, `mv ${ca} /root/registry-ca.crt.away`);
        let pulled;
        try {
            pulled = pull(puller, reference);
        } finally {
            onNodeOk(puller, `mv /root/registry-ca.crt.away ${ca}`);
        }
        expect(pulled.status).not.toBe(0);
        expect(pulled.stderr).toContain("x509: certificate signed by unknown authority");
        // With the CA back, the same pull works.
        const again = pull(puller, reference);
        expect(again.status, again.stderr).toBe(0);
    });
});
