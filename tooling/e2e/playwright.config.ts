import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { adminPassword, e2ePort } from "./tests/stack.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// A fixed, uncommon port so the test never collides with a developer's `pnpm dev` on 3000.
const baseURL = `http://127.0.0.1:${e2ePort}`;

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]]
    : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1440, height: 900 },
    // Debian's Chromium: the test never downloads a browser.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  // The whole stack in production mode on a fresh temporary database: embedded Postgres, migrations,
  // demo seed, sandbox, worker and the server serving apps/admin/dist.
  webServer: {
    command: "pnpm exec tsx tooling/dev/src/e2e-stack.ts",
    cwd: repoRoot,
    url: `${baseURL}/healthz`,
    env: { SYNCHUB_SERVER_PORT: String(e2ePort), ADMIN_PASSWORD: adminPassword },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
