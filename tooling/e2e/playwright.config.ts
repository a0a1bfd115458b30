import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";
import { freePort } from "@synchub/dev/ports";
import { adminPassword } from "./tests/stack.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// A free port, picked once: Playwright loads this config again in its test workers, which inherit
// the variable, so they all agree on it. SYNCHUB_E2E_PORT chooses one.
process.env.SYNCHUB_E2E_PORT ??= String(await freePort());
const baseURL = `http://127.0.0.1:${process.env.SYNCHUB_E2E_PORT}`;

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
  // Every page's test (tests/pages/) runs at a desktop and a phone width; the flows run at desktop.
  projects: [
    { name: "desktop", use: { viewport: { width: 1440, height: 900 } } },
    { name: "phone", testMatch: /pages\/.*\.spec\.ts$/, use: { viewport: { width: 390, height: 844 } } },
  ],
  // The whole stack in production mode on a fresh temporary database: embedded Postgres, migrations,
  // demo seed, sandbox, worker and the server serving apps/admin/dist.
  webServer: {
    // node itself, not `pnpm exec`, which kills its child at once on a signal.
    command: "node --import tsx tooling/e2e/src/stack-server.ts",
    cwd: repoRoot,
    url: `${baseURL}/healthz`,
    env: { SYNCHUB_SERVER_PORT: String(process.env.SYNCHUB_E2E_PORT), ADMIN_PASSWORD: adminPassword },
    // SIGTERM lets the stack stop Postgres and remove its temporary folder (the default, SIGKILL
    // to the process group, left both behind).
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
