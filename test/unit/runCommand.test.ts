import { describe, it, expect } from "vitest";
import { runScript, stdoutOf, transcript } from "../support/run";

// A command that logs progress to stderr, as lab/mirror/test-image.sh does on a cold machine.
const PROGRESS_THEN_RESULT = "printf '[test-image 04:08:35] built x in 21s\\n' >&2; printf 'gnh-mirror-testbase:6a1f49e7136d\\n'; printf 'done\\n' >&2";

describe("running a local command in tests", () => {
    it("yields stdout alone when the command writes progress to stderr", () => {
        expect(stdoutOf(PROGRESS_THEN_RESULT)).toBe("gnh-mirror-testbase:6a1f49e7136d");
    });

    it("keeps stderr apart in the result and joins both only in the transcript", () => {
        const result = runScript(PROGRESS_THEN_RESULT);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe("gnh-mirror-testbase:6a1f49e7136d\n");
        expect(result.stderr).toBe("[test-image 04:08:35] built x in 21s\ndone\n");
        expect(transcript(result)).toContain("built x in 21s");
    });

    it("names both streams when the command fails", () => {
        expect(() => stdoutOf("echo partial; echo 'no such image' >&2; exit 3")).toThrow(/exit 3[\s\S]*stderr\nno such image[\s\S]*stdout\npartial/);
    });
});
