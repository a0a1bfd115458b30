/**
 * The database task of `pnpm dev` (= `turbo run dev`; `pnpm turbo dev` is the same thing): the
 * embedded Postgres (unless DATABASE_URL is set) in a process group of its own, migrations, demo
 * data and the dev secrets in .data/. The apps are turbo dev tasks beside this one; they find the
 * dev database and secrets themselves and wait for them (dev-settings.ts).
 *
 * Ctrl-C: turbo sends SIGINT to every task and waits. The apps shut down gracefully (the worker
 * releases its jobs); this task waits for their connections to close, then stops Postgres.
 */
import path from "node:path";
import { createDb, migrateToLatest } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import pg from "pg";
import { startDevDatabase } from "./dev-database.ts";
import { loadDevSecrets } from "./dev-secrets.ts";
import { devDataDir } from "./dev-settings.ts";
import { seedDemoData } from "./seed.ts";

const dataDir = devDataDir();
const ports = {
  postgres: Number(process.env.SYNCHUB_PG_PORT ?? 54329),
  sandbox: Number(process.env.SANDBOX_PORT ?? 4010),
  server: Number(process.env.SYNCHUB_SERVER_PORT ?? 3000),
  admin: Number(process.env.SYNCHUB_ADMIN_PORT ?? 5173),
};

async function main() {
  const secrets = loadDevSecrets(dataDir);
  const database = await startDevDatabase({ dataDir: path.join(dataDir, "postgres"), port: ports.postgres });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`synchub: stopping (${signal}); Postgres stops once the apps have let go of it`);
    // The apps got the same signal; the worker is releasing its jobs.
    await waitForAppsToDisconnect(database.url, 20_000);
    await database.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGHUP", () => void stop("SIGHUP"));

  try {
    const db = createDb({ connectionString: database.url, maxConnections: 2 });
    try {
      await migrateToLatest(db, database.url);
      await seedDemoData(db, {
        sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
        secrets: createSecretBox(secrets.encryptionKey),
      });
    } finally {
      await db.destroy();
    }
  } catch (error) {
    await database.stop();
    throw error;
  }
  console.log(
    `synchub: database ready (${new URL(database.url).host}); migrations applied, demo data seeded`,
  );
  void announceWhenUp(
    `http://127.0.0.1:${ports.admin}`,
    `http://127.0.0.1:${ports.server}`,
    secrets.adminPassword,
  );
  // Stay up until a signal: turbo runs this as a persistent task.
  setInterval(() => {}, 1 << 30);
}

async function waitForAppsToDisconnect(url: string, timeoutMs: number) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
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
