import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { FleetError, parseFleet } from "../../lib/fleet";
import { labFleetText } from "../../lab/fleetFile";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHY/q3/7ukJSTk7Zc51qZYv9TFzIoImgf1sC02v042i9";
const good = [
    "defaults:",
    "  user: root",
    "  privateKeyPath: /keys/id",
    "mirror:",
    "  url: http://mirror.example.internal/nvidia",
    "  fingerprint: C95B321B61E88C1809C4F759DDCAE044F796ECB0",
    "nodes:",
    "  - name: gpu-a",
    "    host: 127.0.0.1",
    "    port: 22201",
    `    hostKey: "${KEY}"`,
    "  - name: gpu-b",
    "    host: 127.0.0.1",
    `    hostKey: "${KEY_B}"`,
    "    labels: { rack: r1 }",
].join("\n");

const errorOf = (text: string) => {
    try {
        parseFleet(text, "fleet.yaml");
    } catch (error) {
        expect(error).toBeInstanceOf(FleetError);
        return (error as Error).message;
    }
    throw new Error("no error");
};

describe("fleet file", () => {
    it("reads nodes with defaults applied", () => {
        const fleet = parseFleet(good, "fleet.yaml");
        expect(fleet.nodes).toEqual([
            { name: "gpu-a", host: "127.0.0.1", port: 22201, user: "root", privateKeyPath: "/keys/id", hostKey: KEY, labels: {}, onDestroy: "keep" },
            { name: "gpu-b", host: "127.0.0.1", port: 22, user: "root", privateKeyPath: "/keys/id", hostKey: KEY_B, labels: { rack: "r1" }, onDestroy: "keep" },
        ]);
        expect(fleet.mirror?.fingerprint).toBe("C95B321B61E88C1809C4F759DDCAE044F796ECB0");
    });

    it("names file, line, column and key for a bad value", () => {
        expect(errorOf(good.replace("port: 22201", "port: 70000"))).toBe("fleet.yaml:10:11: nodes[0].port: must be <= 65535");
    });

    it("names an unknown key where it is written", () => {
        expect(errorOf(good.replace("    port: 22201", "    prot: 22201"))).toBe('fleet.yaml:10:5: nodes[0]: unknown key "prot" (did you mean "port"?)');
        expect(errorOf(good.replace("mirror:", "mirrors:"))).toContain('fleet.yaml:4:1: the fleet file: unknown key "mirrors" (did you mean "mirror"?)');
    });

    it("requires a host key for every node", () => {
        expect(errorOf(good.replace(`    hostKey: "${KEY}"\n  - name: gpu-b`, "  - name: gpu-b"))).toBe('fleet.yaml:8:5: node gpu-a: "hostKey" (its public host key) or "hostCertificateAuthority" (on the node or in defaults) is required: host keys are always verified');
    });

    it("rejects a malformed host key and fingerprint", () => {
        const message = errorOf(good.replace(`hostKey: "${KEY}"\n  - name: gpu-b`, 'hostKey: "not a key"\n  - name: gpu-b').replace("C95B321B", "c95b 321b"));
        expect(message).toContain("fleet.yaml:6:16: mirror.fingerprint: must match pattern");
        expect(message).toContain("fleet.yaml:11:14: nodes[0].hostKey: must match pattern");
    });

    it("reports a duplicate name and a missing key path", () => {
        const text = good.replace("name: gpu-b", "name: gpu-a").replace("  privateKeyPath: /keys/id\n", "");
        const message = errorOf(text);
        expect(message).toContain("fleet.yaml:11:11: node gpu-a: the name is used twice");
        expect(message).toContain('fleet.yaml:7:5: node gpu-a: "privateKeyPath" is required (on the node or in defaults)');
    });

    it("requires a host", () => {
        expect(errorOf(good.replace("    host: 127.0.0.1\n    port: 22201", "    port: 22201"))).toBe('fleet.yaml:8:5: nodes[0]: "host" is required');
    });

    it("refuses a private key written into the file: keys are referenced by path and kept secret", () => {
        const message = errorOf(good.replace("    port: 22201", "    port: 22201\n    privateKey: |\n      -----BEGIN OPENSSH PRIVATE KEY-----"));
        expect(message).toContain('nodes[0]: unknown key "privateKey" (did you mean "privateKeyPath"?)');
        expect(message).toContain("a private key is never written into the fleet file");
        expect(message).not.toContain("BEGIN OPENSSH");
    });

    it("reads the fleet's own registry, and refuses one without a host or with a scheme", () => {
        const withRegistry = good.replace("nodes:", "registry:\n  host: registry.example.internal:5000\n  caFile: /etc/fleet/registry-ca.crt\nnodes:");
        expect(parseFleet(withRegistry, "fleet.yaml").registry).toEqual({ host: "registry.example.internal:5000", caFile: "/etc/fleet/registry-ca.crt" });
        expect(parseFleet(good, "fleet.yaml").registry).toBeUndefined();
        expect(errorOf(withRegistry.replace("  host: registry.example.internal:5000\n", ""))).toBe('fleet.yaml:8:3: registry: "host" is required');
        expect(errorOf(withRegistry.replace("host: registry", "host: https://registry"))).toContain("fleet.yaml:8:9: registry.host: must match pattern");
    });

    it("refuses two entries for one machine: the same host and port, or the same host key", () => {
        expect(errorOf(good.replace("    port: 22201\n", "    port: 22\n"))).toBe("fleet.yaml:13:11: node gpu-b: 127.0.0.1:22 is node gpu-a's address too: one machine, one entry");
        expect(errorOf(good.replace(`hostKey: "${KEY_B}"`, `hostKey: "${KEY}"`))).toMatch(/^fleet\.yaml:14:14: node gpu-b: the host key is node gpu-a's too/);
    });

    it("reports broken YAML with its position", () => {
        expect(errorOf("nodes:\n  - name: [unclosed\n")).toMatch(/^fleet\.yaml:\d+:\d+: not valid YAML: /);
    });

    it("accepts the lab's fleet file as lab/fleetFile.ts writes it, comments and all", () => {
        const lab = {
            privateKeyPath: "/repo/.lab/client_key", mirrorUrl: "http://gnh-lab-mirror/good", fingerprint: "A".repeat(40),
            registry: { host: "gnh-lab-registry:5000", caFile: "/repo/.lab/registry/ca.crt" },
            nodes: [{ name: "gnh-node-1", port: 22201, variant: "green", hostKey: KEY }, { name: "gnh-brownfield", port: 22299, variant: "brownfield", hostKey: KEY_B }],
        };
        const text = labFleetText(lab, "fleet.yaml");
        expect(text).toMatch(/^# generated by lab\/lab.sh\n/);
        expect(text).toContain("/etc/docker/certs.d/gnh-lab-registry:5000/ca.crt");
        const fleet = parseFleet(text, "fleet.yaml");
        expect(fleet.nodes.map((n) => [n.name, n.port, n.labels.variant, n.hostKey, n.privateKeyPath])).toEqual([
            ["gnh-node-1", 22201, "green", KEY, "/repo/.lab/client_key"], ["gnh-brownfield", 22299, "brownfield", KEY_B, "/repo/.lab/client_key"]]);
        expect(fleet.mirror).toEqual({ url: "http://gnh-lab-mirror/good", fingerprint: "A".repeat(40) });
        expect(fleet.registry).toEqual(lab.registry);
        // a fact the parser refuses never reaches the file
        expect(() => labFleetText({ ...lab, nodes: [{ ...lab.nodes[0], hostKey: "not a key" }] }, "fleet.yaml")).toThrow(/fleet.yaml:\d+:\d+: nodes\[0\].hostKey: must match pattern/);
        const labFleet = path.join(__dirname, "..", "..", ".lab", "fleet.yaml");
        if (fs.existsSync(labFleet)) {
            expect(parseFleet(fs.readFileSync(labFleet, "utf8"), labFleet).nodes.length).toBeGreaterThan(0);
        }
    });
});
