// End-to-end test of the lab's NVIDIA-style apt mirror (lab/mirror/build-repo.sh), without the
// lab's nodes: a throwaway Debian trixie image (lab/mirror/test-image.sh) serves the mirror with
// busybox httpd on a private Docker network, and fresh client containers run apt against it.
//
// Needs a Docker engine (started here with `dockerd` if none answers and we are root), Debian's
// archive (once, for the image) and the Go module proxy (once, for NVIDIA's module).
// GNH_MIRROR_OUT overrides the mirror directory (default: .lab/mirror, the one lab.sh serves).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runScript, stdoutOf, transcript, RunOptions } from "../support/run";

const root = path.resolve(__dirname, "..", "..");
const outDir = path.resolve(process.env.GNH_MIRROR_OUT ?? path.join(root, ".lab", "mirror"));
const run = `${process.pid}-${Date.now().toString(36)}`;
const network = `gnh-mirror-e2e-${run}`;
const goodServer = `gnh-mirror-e2e-good-${run}`;
const mitmServer = `gnh-mirror-e2e-mitm-${run}`;
const label = "gnh.mirror-e2e";

const KEYRING = "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg";
const LIST = "/etc/apt/sources.list.d/nvidia-container-toolkit.list";
const PKGS = ["nvidia-container-toolkit", "nvidia-container-toolkit-base", "libnvidia-container-tools", "libnvidia-container1"];
// The newest version the mirror builds (lab/mirror/build-repo.sh VERSIONS): apt's candidate, and
// the one whose .debs the tampered-deb tree modifies.
const NEWEST = "1.20.2-1";
const pinned = (v: string) => PKGS.map((p) => `${p}=${v}`).join(" ");

/** Every one of `expected` appears in `output` (each line named on failure). */
function expectLines(output: string, expected: readonly string[]): void {
    for (const text of expected) {
        expect(output, text).toContain(text);
    }
}

/** A command's result with both streams in one transcript, for assertions on apt's messages. */
interface Result {
    code: number;
    out: string; // stdout and stderr together: asserted on, never parsed
    ms: number;
}

function sh(script: string, opts: RunOptions = {}): Result {
    const result = runScript(script, opts);
    return { code: result.code, out: transcript(result), ms: result.ms };
}

/** stdout alone: values parsed from a command (an image reference, an address) never include its log lines. */
const must = stdoutOf;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

let image = "";
let goodIp = "";
let mitmIp = "";

// A shell prelude for client containers: only our source, key and list installed, hostname
// gnh-mirror pointed at one of the two servers (so a test can play man-in-the-middle later).
function prelude(opts: { keyPath?: string; repo?: string } = {}): string {
    const keyPath = opts.keyPath ?? "good/gpgkey";
    const repo = opts.repo ?? "good";
    return `
set -u
export DEBIAN_FRONTEND=noninteractive
rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*
sethost() { grep -v ' gnh-mirror$' /etc/hosts > /tmp/hosts; printf '%s gnh-mirror\\n' "$1" >> /tmp/hosts; cat /tmp/hosts > /etc/hosts; }
sethost ${goodIp}
busybox wget -qO- http://gnh-mirror/${keyPath} | gpg --dearmor > ${KEYRING}
echo 'deb [signed-by=${KEYRING}] http://gnh-mirror/${repo}/stable/deb/amd64 /' > ${LIST}
`;
}

// Runs a bash script in a fresh client container on the test network.
function client(script: string, timeoutMs = 300_000): Result {
    return sh(`docker run --rm -i --label ${label}=${run} --network ${network} ${image} bash -s`, {
        input: script,
        timeoutMs,
    });
}

function ensureDocker(): void {
    if (sh("docker info", { timeoutMs: 30_000 }).code === 0) return;
    if (process.getuid?.() !== 0 || sh("command -v dockerd").code !== 0) {
        throw new Error("no Docker engine answers `docker info`, and dockerd cannot be started here");
    }
    // No systemd here: start the daemon in the background (another user of this machine may
    // do the same; the second one fails on the pid file and the first keeps running).
    sh("nohup dockerd > /var/log/dockerd-gnh-mirror-e2e.log 2>&1 &");
    for (let i = 0; i < 60; i++) {
        if (sh("docker info", { timeoutMs: 10_000 }).code === 0) return;
        sh("sleep 1");
    }
    throw new Error("dockerd did not come up (see /var/log/dockerd-gnh-mirror-e2e.log)");
}

let firstBuild: Result;
let secondBuild: Result;

beforeAll(() => {
    ensureDocker();
    firstBuild = sh(`bash ${q(path.join(root, "lab/mirror/build-repo.sh"))} ${q(outDir)}`, { timeoutMs: 1_500_000 });
    if (firstBuild.code !== 0) throw new Error(`build-repo.sh failed:\n${firstBuild.out}`);
    secondBuild = sh(`bash ${q(path.join(root, "lab/mirror/build-repo.sh"))} ${q(outDir)}`, { timeoutMs: 600_000 });
    image = must(`bash ${q(path.join(root, "lab/mirror/test-image.sh"))}`, { timeoutMs: 900_000 });
    if (!/^gnh-mirror-testbase:[0-9a-f]{12}$/.test(image)) throw new Error(`test-image.sh printed no image reference on stdout: ${JSON.stringify(image)}`);
    must(`docker network create --label ${label}=${run} ${network}`);
    must(
        `docker run -d --name ${goodServer} --label ${label}=${run} --network ${network} --network-alias gnh-mirror ` +
            `--read-only -v ${q(outDir)}:/srv:ro ${image} busybox httpd -f -p 80 -h /srv`,
    );
    // The "man in the middle": same URLs, but good/ is the foreign-signed tree.
    must(
        `docker run -d --name ${mitmServer} --label ${label}=${run} --network ${network} ` +
            `--read-only -v ${q(outDir)}:/srv:ro -v ${q(path.join(outDir, "foreign-signed"))}:/srv/good:ro ` +
            `${image} busybox httpd -f -p 80 -h /srv`,
    );
    const ip = (name: string) => must(`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' ${name}`);
    goodIp = ip(goodServer);
    mitmIp = ip(mitmServer);
}, 2_400_000);

afterAll(() => {
    sh(`docker ps -aq --filter label=${label}=${run} | xargs -r docker rm -f`);
    sh(`docker network rm ${network}`);
});

describe("lab mirror: repository build", () => {
    it("is cached: a second build-repo.sh run changes nothing and is fast", () => {
        expect(secondBuild.code, secondBuild.out).toBe(0);
        expect(secondBuild.out).toMatch(/cached binaries in .*1\.17\.7/);
        expect(secondBuild.out).toMatch(/cached binaries in .*1\.17\.8/);
        expect(secondBuild.out).toContain("is up to date");
        expect(secondBuild.ms).toBeLessThan(30_000);
    });

    it("publishes the fingerprint of the served key, and gpgkey-with-foreign holds a second key", () => {
        const fpr = fs.readFileSync(path.join(outDir, "fingerprint"), "utf8").trim();
        const foreign = fs.readFileSync(path.join(outDir, "foreign-fingerprint"), "utf8").trim();
        expect(fpr).toMatch(/^[0-9A-F]{40}$/);
        expect(foreign).toMatch(/^[0-9A-F]{40}$/);
        expect(foreign).not.toBe(fpr);
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "gnh-gpg-"));
        try {
            const primaries = (file: string) =>
                must(
                    `gpg --homedir ${q(home)} --batch --with-colons --show-keys ${q(file)} 2>/dev/null ` +
                        `| awk -F: '$1=="pub"{p=1;next} p&&$1=="fpr"{print $10;p=0}'`,
                ).split("\n");
            expect(primaries(path.join(outDir, "good/gpgkey"))).toEqual([fpr]);
            expect(primaries(path.join(outDir, "good/gpgkey-with-foreign"))).toEqual([fpr, foreign]);
            // NVIDIA-like structure: certify-only primary, separate signing subkey.
            const colons = must(`gpg --homedir ${q(home)} --batch --with-colons --show-keys ${q(path.join(outDir, "good/gpgkey"))} 2>/dev/null`);
            expect(colons).toMatch(/^pub:[^:]*:(3072|4096):1:[^\n]*:c[A-Z]*:/m);
            expect(colons).toMatch(/^sub:[^:]*:(3072|4096):1:[^\n]*:s:/m);
        } finally {
            fs.rmSync(home, { recursive: true, force: true });
        }
        // The signing keys live outside the served tree.
        expect(sh(`find ${q(outDir)} -name 'private-keys-v1.d' -o -name '*.kbx' -o -name 'secring*'`).out.trim()).toBe("");
    });
});

describe("lab mirror: good repository", () => {
    it("apt-get update --error-on=any succeeds; 1.17.7 then 1.17.8 install with the real nvidia-ctk", () => {
        const r = client(`${prelude()}
apt-get update --error-on=any; echo "RC update=$?"
apt-get install -y ${pinned("1.17.7-1")} >/dev/null; echo "RC install-1.17.7=$?"
echo "VERSION-A: $(nvidia-ctk --version | head -1)"
echo "HOOK-A: $(nvidia-container-runtime-hook --version | head -1)"
echo "RUNTIME-A: $(nvidia-container-runtime --version | head -1)"
echo "CDIHOOK-A: $(nvidia-cdi-hook --version | head -1)"
echo "LINK: $(readlink /usr/bin/nvidia-container-toolkit)"
echo "CONFIG: $(grep -E '^ldconfig' /etc/nvidia-container-runtime/config.toml)"
apt-get install -y ${pinned("1.17.8-1")} >/dev/null; echo "RC install-1.17.8=$?"
echo "VERSION-B: $(nvidia-ctk --version | head -1)"
dpkg-query -W -f '\${Package}=\${Version}\\n' ${PKGS.join(" ")} | sed 's/^/PKG: /'
`);
        expectLines(r.out, [
            "RC update=0",
            "RC install-1.17.7=0",
            "VERSION-A: NVIDIA Container Toolkit CLI version 1.17.7",
            "HOOK-A: NVIDIA Container Runtime Hook version 1.17.7",
            "RUNTIME-A: NVIDIA Container Runtime version 1.17.7",
            "CDIHOOK-A: NVIDIA CDI Hook version 1.17.7",
            "LINK: /usr/bin/nvidia-container-runtime-hook",
            'CONFIG: ldconfig = "@/sbin/ldconfig"',
            "RC install-1.17.8=0",
            "VERSION-B: NVIDIA Container Toolkit CLI version 1.17.8",
        ]);
        for (const p of PKGS) expect(r.out).toContain(`PKG: ${p}=1.17.8-1`);
    });

    it("carries NVIDIA's version constraints: toolkit needs the exact base; tools only >=", () => {
        const r = client(`${prelude()}
apt-get -qq update --error-on=any
apt-get install -s nvidia-container-toolkit=1.17.7-1; echo "RC toolkit-only=$?"
apt-get install -s nvidia-container-toolkit=1.17.7-1 nvidia-container-toolkit-base=1.17.7-1; echo "RC two-pinned=$?"
`);
        expectLines(r.out, [
            "RC toolkit-only=100",
            `Depends: nvidia-container-toolkit-base (= 1.17.7-1) but ${NEWEST} is to be installed`,
            "RC two-pinned=0",
        ]);
        // Pinning two of the four is not enough: the tools float to the newest version.
        expect(r.out).toContain(`Inst libnvidia-container-tools (${NEWEST} `);
    });

    it("from 1.18 on, like NVIDIA's: libraries at exactly the toolkit's version, the CDI refresh units shipped and enabled, config.toml kept on upgrade", () => {
        const r = client(`${prelude()}
apt-get -qq update --error-on=any
apt-get install -s ${pinned("1.20.2-1").replace("libnvidia-container-tools=1.20.2-1", "libnvidia-container-tools=1.19.1-1")}; echo "RC mixed=$?"
apt-get install -y -qq ${pinned("1.17.8-1")} >/dev/null; echo "RC install-1.17.8=$?"
nvidia-ctk config --config-file=/etc/nvidia-container-runtime/config.toml --in-place --set nvidia-container-cli.debug=/var/log/gnh-kept.log
apt-get install -y -qq ${pinned("1.20.2-1")} >/dev/null; echo "RC upgrade=$?"
echo "VERSION: $(nvidia-ctk --version | head -1)"
for f in /lib/systemd/system/nvidia-cdi-refresh.path /lib/systemd/system/nvidia-cdi-refresh.service /etc/nvidia-container-toolkit/nvidia-cdi-refresh.env; do test -f "$f" && echo "FILE: $f"; done
grep -c 'gnh-kept.log' /etc/nvidia-container-runtime/config.toml | sed 's/^/KEPT: /'
dpkg-query -W -f '\${Conffiles}\n' nvidia-container-toolkit-base | grep -o '/etc/[^ ]*' | sed 's/^/CONFFILE: /'
`);
        expectLines(r.out, [
            "RC mixed=100",
            "Depends: libnvidia-container-tools (= 1.20.2-1) but 1.19.1-1 is to be installed",
            "RC install-1.17.8=0",
            "RC upgrade=0",
            "VERSION: NVIDIA Container Toolkit CLI version 1.20.2",
            "FILE: /lib/systemd/system/nvidia-cdi-refresh.path",
            "FILE: /lib/systemd/system/nvidia-cdi-refresh.service",
            "FILE: /etc/nvidia-container-toolkit/nvidia-cdi-refresh.env",
            "KEPT: 1",
            "CONFFILE: /etc/nvidia-container-toolkit/nvidia-cdi-refresh.env",
        ]);
    });

    it("the runtime adds the hook; the hook calls nvidia-container-cli only when a GPU is requested", () => {
        const r = client(`${prelude()}
apt-get -qq update --error-on=any && apt-get install -y -qq ${pinned("1.17.8-1")} >/dev/null
mkdir -p /fake /b/rootfs
# A stand-in low-level runtime: records the spec nvidia-container-runtime hands to it.
printf '#!/bin/sh\\nwhile [ $# -gt 0 ]; do [ "$1" = --bundle ] && cp "$2/config.json" /tmp/seen.json; shift; done\\nexit 0\\n' > /fake/runc
chmod +x /fake/runc
runcase() {
  rm -f /var/log/nvidia-container-cli.log /tmp/seen.json
  printf '{"ociVersion":"1.2.0","process":{"args":["true"],"cwd":"/","env":%s},"root":{"path":"rootfs"}}' "$2" > /b/config.json
  PATH=/fake:/usr/bin:/usr/sbin:/bin:/sbin nvidia-container-runtime create --bundle /b "$1"; echo "RC $1 runtime=$?"
  echo "SPEC $1: $(grep -o '"prestart":[^]]*]' /tmp/seen.json)"
  printf '{"ociVersion":"1.2.0","id":"%s","status":"creating","pid":1,"bundle":"/b"}' "$1" | nvidia-container-runtime-hook prestart; echo "RC $1 hook=$?"
  echo "CLI $1: $(cat /var/log/nvidia-container-cli.log 2>/dev/null || echo '(not called)')"
}
runcase nogpu '["PATH=/usr/bin:/bin"]'
runcase gpu0 '["PATH=/usr/bin:/bin","NVIDIA_VISIBLE_DEVICES=0"]'
runcase void '["PATH=/usr/bin:/bin","NVIDIA_VISIBLE_DEVICES=void"]'
`);
        for (const c of ["nogpu", "gpu0", "void"]) {
            expectLines(r.out, [
                `RC ${c} runtime=0`,
                `RC ${c} hook=0`,
                `SPEC ${c}: "prestart":[{"path":"/usr/bin/nvidia-container-runtime-hook","args":["nvidia-container-runtime-hook","prestart"]`,
            ]);
        }
        expect(r.out).toContain("CLI nogpu: (not called)");
        expect(r.out).toContain("CLI void: (not called)");
        expect(r.out).toMatch(/CLI gpu0: \d{4}-\d\d-\d\dT[\d:]+Z .*configure .*--ldconfig=@\/sbin\/ldconfig --device=0 --compute --utility --pid=1 /);
    });
});

describe("lab mirror: tampered variants", () => {
    it("foreign-signed, first update: apt-get update fails (100) even without --error-on", () => {
        const r = client(`${prelude({ repo: "foreign-signed" })}
apt-get update; echo "RC plain=$?"
apt-get update --error-on=any; echo "RC error-on-any=$?"
`);
        expect(r.out).toContain("RC plain=100");
        expect(r.out).toContain("RC error-on-any=100");
        expect(r.out).toMatch(/Missing key [0-9A-F]{40}, which is needed to verify signature/);
        expect(r.out).toContain("is not signed.");
    });

    it("foreign-signed after a good update (man in the middle): plain update exits 0 with a warning; --error-on=any exits 100", () => {
        const r = client(`${prelude()}
apt-get -qq update --error-on=any; echo "RC good=$?"
sethost ${mitmIp}
apt-get update; echo "RC plain=$?"
apt-get update --error-on=any; echo "RC error-on-any=$?"
apt-cache policy nvidia-container-toolkit | grep Candidate
`);
        expectLines(r.out, [
            "RC good=0",
            "RC plain=0",
            "The repository is not updated and the previous index files will be used",
            "W: Some index files failed to download. They have been ignored, or old ones used instead.",
            "RC error-on-any=100",
            "E: Some index files failed to download.",
            `Candidate: ${NEWEST}`, // stale index still in use
        ]);
    });

    it("gpgkey-with-foreign: a keyring that also holds the foreign key accepts the foreign-signed repository", () => {
        const r = client(`${prelude({ keyPath: "good/gpgkey-with-foreign" })}
sethost ${mitmIp}
apt-get update --error-on=any; echo "RC error-on-any=$?"
apt-get install -y -qq ${pinned("1.17.8-1")} >/dev/null; echo "RC install=$?"
`);
        expect(r.out).toContain("RC error-on-any=0");
        expect(r.out).toContain("RC install=0");
    });

    it("tampered-deb: metadata verifies, but installing a modified .deb fails on size or hash", () => {
        const r = client(`${prelude({ repo: "tampered-deb" })}
apt-get update --error-on=any; echo "RC update=$?"
apt-get install -y nvidia-container-toolkit-base=${NEWEST}; echo "RC appended=$?"
apt-get install -y libnvidia-container1=${NEWEST}; echo "RC flipped=$?"
apt-get install -y -qq nvidia-container-toolkit-base=1.17.7-1 >/dev/null; echo "RC untouched=$?"
`);
        expect(r.out).toContain("RC update=0");
        expect(r.out).toContain("RC appended=100");
        expect(r.out).toMatch(/File has unexpected size \((\d+) != \d+\)/);
        expectLines(r.out, [
            "RC flipped=100",
            "Hash Sum mismatch",
            "RC untouched=0",
        ]);
    });
});
