import { defineConfig } from "vitest/config";

// One run for the whole repo: the global setup starts one Postgres (embedded, or DATABASE_URL)
// and one provider sandbox, migrates a template database once, and every test file clones it.
export default defineConfig({
  test: {
    // *.test.tsx are the admin's component tests; each names its DOM (happy-dom) in a comment.
    include: ["{apps,packages,tooling}/**/*.test.ts", "apps/admin/src/**/*.test.tsx"],
    exclude: ["**/node_modules/**", "**/dist/**", "tooling/e2e/**"],
    globalSetup: ["tooling/dev/src/test-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
