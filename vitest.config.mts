import { defineConfig } from "vitest/config";

// Unit tests: fast, no network, no engine. Each file runs in its own process because the
// Pulumi runtime (mocks included) is process-global state.
export default defineConfig({
    test: {
        include: ["test/unit/**/*.test.ts"],
        pool: "forks",
        isolate: true,
        testTimeout: 20_000,
    },
});
