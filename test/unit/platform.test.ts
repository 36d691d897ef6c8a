// Platform preflight (issue #20): the probe's output parsed, and a platform we have not proven is
// refused by name with what is supported. The probe itself runs here with sh on this machine.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parsePlatformProbe, platformRefusal } from "../../lib/platform";
import { remoteScript } from "../../lib/remoteScripts";

const probe = (lines: string[]) => parsePlatformProbe(`${lines.join("\n")}\n`);
const DEBIAN_13 = ["os-id debian", "os-version 13", "os-name Debian GNU/Linux 13 (trixie)", "package-manager apt-get", "package containerd 1.7.24~ds1-6+b4", "package docker.io 26.1.5+dfsg1-9+b9", "package runc 1.1.15+ds1-2+b4"];

describe("the platform preflight", () => {
    it("accepts Debian 12 and 13 with Debian's docker.io and containerd", () => {
        expect(platformRefusal(probe(DEBIAN_13))).toBeUndefined();
        expect(platformRefusal(probe(DEBIAN_13.map((l) => l.replace("os-version 13", "os-version 12"))))).toBeUndefined();
    });

    it("refuses Ubuntu with Docker's docker-ce by name, with what is supported", () => {
        const message = platformRefusal(probe(["os-id ubuntu", "os-version 24.04", "os-name Ubuntu 24.04.1 LTS", "package-manager apt-get", "package containerd.io 1.7.22-1", "package docker-ce 5:27.3.1-1~ubuntu.24.04~noble"]));
        expect(message).toContain("the platform Ubuntu 24.04.1 LTS (ID=ubuntu, VERSION_ID=24.04; package manager apt-get; containerd.io 1.7.22-1, docker-ce 5:27.3.1-1~ubuntu.24.04~noble) is not one we have proven: ubuntu is not supported");
        expect(message).toContain("Supported: Debian 12, 13 with apt, docker.io and containerd (see docs/platforms.md). Nothing on the node was changed");
    });

    it("refuses Debian whose Docker comes from Docker's own packages", () => {
        const lines = DEBIAN_13.filter((l) => !l.includes("docker.io") && !l.includes("package containerd ")).concat(["package docker-ce 5:27.3.1-1~debian.13~trixie", "package containerd.io 1.7.22-1"]);
        expect(platformRefusal(probe(lines))).toMatch(/Docker comes from docker-ce and containerd\.io, not Debian's docker\.io/);
    });

    it("refuses another Debian release, an EL node, no Docker, and a node whose os-release cannot be read", () => {
        expect(platformRefusal(probe(DEBIAN_13.map((l) => l.replace("os-version 13", "os-version 11"))))).toMatch(/Debian 11 is not one of 12, 13/);
        expect(platformRefusal(probe(["os-id rocky", "os-version 9.4", "os-name Rocky Linux 9.4 (Blue Onyx)", "package-manager dnf", "package docker-ce 27.3.1-1.el9"]))).toMatch(/rocky is not supported/);
        expect(platformRefusal(probe(DEBIAN_13.filter((l) => !l.includes("docker.io"))))).toMatch(/docker\.io is not installed/);
        expect(platformRefusal(probe([]))).toMatch(/an unknown system \(no readable \/etc\/os-release\) \(ID=\?, VERSION_ID=\?; package manager none found; no Docker package we know of\)/);
    });

    it("reads this machine with the node's own script: os-release fields and a package manager", () => {
        const result = spawnSync("sh", ["-c", remoteScript("platform-probe")], { encoding: "utf8" });
        expect(result.status, result.stderr).toBe(0);
        const facts = parsePlatformProbe(result.stdout);
        expect(facts.osId).toMatch(/^[a-z]+$/);
        expect(facts.packageManager).not.toBe("");
    });
});
