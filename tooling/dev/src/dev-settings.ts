/**
 * How the apps find `pnpm dev`'s settings when started by turbo (`pnpm dev` and `pnpm turbo dev`
 * are the same thing): without DATABASE_URL, and outside production, they use the dev database
 * (the embedded Postgres that tooling/dev's own dev task starts, on SYNCHUB_PG_PORT) and the
 * secrets that task keeps in .data/dev-secrets.json. Variables already set always win.
 */
import { existsSync, readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { migrationsDir } from "@synchub/db";
import pg from "pg";
import type { DevSecrets } from "./dev-secrets.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** The folder holding the dev cluster and dev-secrets.json. (Default: .data at the repository root) */
export function devDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.SYNCHUB_DATA_DIR ?? path.join(repoRoot, ".data"));
}

/** The dev database's URL: the embedded Postgres of `pnpm dev` on SYNCHUB_PG_PORT (Default: 54329). */
export function devDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `postgres://postgres:postgres@127.0.0.1:${Number(env.SYNCHUB_PG_PORT ?? 54329)}/synchub`;
}

/**
 * The environment an app should read. In production (NODE_ENV=production) it is unchanged.
 * Otherwise, without DATABASE_URL, the dev database and the dev secrets, waiting for the dev task
 * to have written them; with DATABASE_URL (`pnpm dev` against your own Postgres), the dev
 * secrets when the dev task has written them.
 */
export async function withDevSettings(
  env: NodeJS.ProcessEnv,
  options: { app: string; log?: (line: string) => void },
): Promise<NodeJS.ProcessEnv> {
  // Production, or an app started with its settings (tests, scripts): nothing to add.
  if (env.NODE_ENV === "production" || (env.DATABASE_URL && env.SYNCHUB_ENCRYPTION_KEY)) return env;
  const log = options.log ?? ((line: string) => console.log(line));
  const file = path.join(devDataDir(env), "dev-secrets.json");
  let secrets: DevSecrets | undefined;
  for (let waited = 0; !secrets; waited++) {
    try {
      if (existsSync(file)) secrets = JSON.parse(readFileSync(file, "utf8")) as DevSecrets;
    } catch {
      // being written
    }
    if (secrets) break;
    if (env.DATABASE_URL) return env;
    if (waited % 40 === 0) {
      log(`${options.app}: no DATABASE_URL; waiting for pnpm dev's database task to write ${file}`);
    }
    await sleep(250);
  }
  const sandbox = `http://127.0.0.1:${Number(env.SANDBOX_PORT ?? 4010)}`;
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL ?? devDatabaseUrl(env),
    SYNCHUB_ENCRYPTION_KEY: env.SYNCHUB_ENCRYPTION_KEY ?? secrets.encryptionKey,
    ADMIN_PASSWORD: env.ADMIN_PASSWORD ?? secrets.adminPassword,
    CRON_SECRET: env.CRON_SECRET ?? secrets.cronSecret,
    // The hourly Stripe subscription sync reads the sandbox's deterministic subscriptions.
    STRIPE_BASE_URL: env.STRIPE_BASE_URL ?? `${sandbox}/stripe`,
    STRIPE_SECRET_KEY: env.STRIPE_SECRET_KEY ?? "sk_test_synchub_dev",
  };
}

/**
 * Waits until the database answers and every migration in db/migrations is applied (when that
 * folder is present), saying what it waits for every 15 s. Apps call it before they start, so
 * they can be started before or alongside the database and its migrations.
 */
export async function waitForDatabase(
  url: string,
  options: { app: string; log?: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const where = describe(url);
  const expected = existsSync(migrationsDir)
    ? (await readdir(migrationsDir)).filter((file) => /^\d{4}_.+\.sql$/.test(file)).map((f) => f.slice(0, -4))
    : [];
  let lastSaid = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    let waitingFor = `the database at ${where}`;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      waitingFor = `the migrations on ${where} (pnpm db migrate)`;
      const { rows } = await client.query<{ name: string }>("select name from synchub.synchub_migrations");
      const applied = new Set(rows.map((row) => row.name));
      if (expected.every((name) => applied.has(name))) return;
    } catch {
      // not up, not created or not migrated yet
    } finally {
      await client.end().catch(() => {});
    }
    if (Date.now() - lastSaid > 15_000) {
      log(`${options.app}: waiting for ${waitingFor}`);
      lastSaid = Date.now();
    }
    await sleep(300);
  }
}

function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}
