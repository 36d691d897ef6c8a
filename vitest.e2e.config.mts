import { defineConfig } from "vitest/config";

// End-to-end tests share one lab and one Pulumi backend: one file at a time, in order.
export default defineConfig({
    test: {
        include: ["test/e2e/**/*.test.ts"],
        // it removes the shared lab: vitest.labdown.config.mts runs it, last
        exclude: ["test/e2e/labDown.test.ts", "**/node_modules/**"],
        pool: "forks",
        fileParallelism: false,
        sequence: { concurrent: false },
        testTimeout: 600_000,
        hookTimeout: 600_000,
    },
});
