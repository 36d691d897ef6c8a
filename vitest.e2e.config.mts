import { defineConfig } from "vitest/config";

// End-to-end tests share one lab and one Pulumi backend: one file at a time, in order.
export default defineConfig({
    test: {
        include: ["test/e2e/**/*.test.ts"],
        pool: "forks",
        fileParallelism: false,
        sequence: { concurrent: false },
        testTimeout: 600_000,
        hookTimeout: 600_000,
    },
});
