// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "**/node_modules/", ".tools/", ".lab/", ".pulumi-state/", "bin/", "dist/", "pkg/lib/", "pkg/policy-pack/"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["tools/**/*.js", "pkg/bin/*.js", "scripts/*.js", "examples/consumer/*.js"],
        languageOptions: { sourceType: "commonjs", globals: { require: "readonly", process: "readonly", __dirname: "readonly", Buffer: "readonly", setInterval: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        // The engine smoke test's dynamic provider is serialized and run elsewhere: it must require() inside.
        files: ["test/fixtures/engine-smoke/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
