import { defineConfig } from "vitest/config";

// One runner for the whole monorepo: tests live beside the code as `name_test.ts`,
// cross-package and end-to-end tests under `test/`.
export default defineConfig({
  test: {
    include: ["packages/**/*_test.ts", "plugins/**/*_test.ts", "test/**/*_test.ts", "examples/**/*_test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
