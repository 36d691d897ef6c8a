import { defineConfig } from "vitest/config";

// `lab down`, on its own and last (scripts/test.sh): it removes the lab every other file shares,
// so the main end-to-end configuration never includes it.
export default defineConfig({
    test: {
        include: ["test/e2e/labDown.test.ts"],
        pool: "forks",
        testTimeout: 600_000,
    },
});
