// The toolkit resource's refresh: the apt list file and keyring are ours, so any edit is drift
// that names the file; the line we expect is the one remote/toolkit-source.sh writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { aptSourceLine, NVIDIA_KEY_FINGERPRINT, NVIDIA_LIST_PATH } from "../../lib/toolkitConfig";
import { aptSourceDrift } from "../../provider/nvidiaToolkit";

const repository = {
    url: "https://nvidia.github.io/libnvidia-container/stable/deb/amd64", keyUrl: "https://nvidia.github.io/libnvidia-container/gpgkey",
    fingerprint: NVIDIA_KEY_FINGERPRINT, keyringPath: "/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg", listPath: NVIDIA_LIST_PATH,
};
const ours = { listText: aptSourceLine(repository.keyringPath, repository.url), keyring: [NVIDIA_KEY_FINGERPRINT] };

describe("the toolkit's apt source on refresh", () => {
    it("is the line remote/toolkit-source.sh writes", () => {
        const script = fs.readFileSync(path.join(__dirname, "..", "..", "remote", "toolkit-source.sh"), "utf8");
        expect(script).toContain(`printf 'deb [signed-by=%s] %s /\\n' "$keyring" "$repo" > "$list.gnh-tmp"`);
        expect(aptSourceLine("/k.gpg", "https://r")).toBe("deb [signed-by=/k.gpg] https://r /\n");
    });

    it("is in sync as we wrote it", () => {
        expect(aptSourceDrift(repository, ours)).toEqual([]);
    });

    it("names the file for an edited line, a missing file and a keyring with another key", () => {
        expect(aptSourceDrift(repository, { ...ours, listText: `deb [trusted=yes signed-by=${repository.keyringPath}] ${repository.url} /\n` })[0])
            .toBe(`${NVIDIA_LIST_PATH} now reads "deb [trusted=yes signed-by=${repository.keyringPath}] ${repository.url} /", not the line we wrote`);
        expect(aptSourceDrift(repository, { ...ours, listText: "" })).toEqual([`${NVIDIA_LIST_PATH} is missing`]);
        expect(aptSourceDrift(repository, { ...ours, keyring: [NVIDIA_KEY_FINGERPRINT, "A".repeat(40)] })).toEqual([
            `${repository.keyringPath} holds ${NVIDIA_KEY_FINGERPRINT}, ${"A".repeat(40)}, not only ${NVIDIA_KEY_FINGERPRINT}`]);
    });
});
