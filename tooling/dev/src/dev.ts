/**
 * `pnpm dev`: database first (embedded unless DATABASE_URL), migrations and demo data, then the
 * sandbox, worker, server and admin through turbo. Ctrl-C stops the apps first (the worker
 * releases its jobs) and Postgres last.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, migrateToLatest } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import pg from "pg";
import { startDevDatabase } from "./dev-database.ts";
import { loadDevSecrets } from "./dev-secrets.ts";
import { seedDemoData } from "./seed.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dataDir = path.join(root, ".data");
const ports = {
  postgres: Number(process.env.SYNCHUB_PG_PORT ?? 54329),
  sandbox: Number(process.env.SANDBOX_PORT ?? 4010),
  server: Number(process.env.SYNCHUB_SERVER_PORT ?? 3000),
  admin: Number(process.env.SYNCHUB_ADMIN_PORT ?? 5173),
};

async function main() {
  const secrets = loadDevSecrets(dataDir);
  const database = await startDevDatabase({ dataDir: path.join(dataDir, "postgres"), port: ports.postgres });
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
  try {
    const db = createDb({ connectionString: database.url, maxConnections: 2 });
    await migrateToLatest(db, database.url);
    await seedDemoData(db, { sandboxUrl, secrets: createSecretBox(secrets.encryptionKey) });
    await db.destroy();
  } catch (error) {
    await database.stop();
    throw error;
  }

  const apps = ["@synchub/sandbox", "@synchub/worker", "@synchub/server", "@synchub/admin"];
  const turbo = spawn("pnpm", ["exec", "turbo", "run", "dev", ...apps.map((app) => `--filter=${app}`)], {
    cwd: root,
    stdio: "inherit",
    // Its own process group: dev.ts decides when the apps get the signal, then stops Postgres.
    detached: true,
    env: {
      ...process.env,
      TURBO_TELEMETRY_DISABLED: "1",
      DATABASE_URL: database.url,
      SYNCHUB_ENCRYPTION_KEY: secrets.encryptionKey,
      ADMIN_PASSWORD: secrets.adminPassword,
      CRON_SECRET: secrets.cronSecret,
      SANDBOX_PORT: String(ports.sandbox),
      // The hourly Stripe subscription sync reads the sandbox's deterministic subscriptions.
      STRIPE_BASE_URL: process.env.STRIPE_BASE_URL ?? `${sandboxUrl}/stripe`,
      STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? "sk_test_synchub_dev",
      SYNCHUB_SERVER_PORT: String(ports.server),
      SYNCHUB_ADMIN_PORT: String(ports.admin),
    },
  });

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\nsynchub: stopping (${signal}); Postgres stops last`);
    signalGroup(turbo.pid, "SIGINT");
    setTimeout(() => signalGroup(turbo.pid, "SIGKILL"), 20_000).unref();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  void announceWhenUp(
    `http://127.0.0.1:${ports.admin}`,
    `http://127.0.0.1:${ports.server}`,
    secrets.adminPassword,
  );

  const code = await new Promise<number>((resolve) =>
    turbo.once("exit", (exitCode) => resolve(exitCode ?? 0)),
  );
  // turbo returns once its own children are gone, but the app processes under them may still be
  // finishing (the worker releasing its jobs); Postgres waits for their connections to close.
  await waitForAppsToDisconnect(database.url, 20_000);
  await database.stop();
  process.exit(shuttingDown ? 0 : code);
}

async function waitForAppsToDisconnect(url: string, timeoutMs: number) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where application_name like 'synchub-%'",
      );
      if (rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch {
    // Postgres already unreachable: nothing left to wait for.
  } finally {
    await client.end().catch(() => {});
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function announceWhenUp(adminUrl: string, serverUrl: string, password: string) {
  for (let i = 0; i < 240; i++) {
    try {
      // The server directly, not through Vite's proxy, which logs an error for every refused try.
      const [admin, api] = await Promise.all([fetch(adminUrl), fetch(`${serverUrl}/healthz`)]);
      if (admin.ok && api.ok) {
        const login = process.env.ADMIN_PASSWORD ? "admin / $ADMIN_PASSWORD" : `admin / ${password}`;
        console.log(`\n  synchub is running: open ${adminUrl} and log in as ${login}\n`);
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().catch((error: unknown) => {
  console.error(`synchub dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
