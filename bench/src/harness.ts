/** Shared plumbing: one embedded Postgres per bench run, a fresh migrated database per benchmark. */
import { randomBytes, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { createDb, type Database, migrateToLatest } from "@synchub/db";
import { ensureDatabase } from "@synchub/dev/databases";
import { freePort } from "@synchub/dev/ports";
import { makeScratchDir, type RunningPostgres, startEmbeddedPostgres } from "@synchub/dev/postgres";
import { createSecretBox, type SecretBox } from "@synchub/domain";
import { Logger } from "graphile-worker";
import { sql } from "kysely";

export const quietLogger = new Logger(() => () => {});

export interface BenchServer {
  newDatabase(): Promise<{ url: string; db: Database }>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchServer> {
  let postgres: RunningPostgres | undefined;
  let scratch: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    scratch = await makeScratchDir("synchub-bench-");
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(scratch, "data"),
      port: await freePort(),
      ephemeral: true,
    });
    serverUrl = postgres.url;
  }
  const opened: Database[] = [];
  return {
    async newDatabase() {
      const url = await ensureDatabase(serverUrl!, `synchub_bench_${randomBytes(4).toString("hex")}`);
      const db = createDb({ connectionString: url, maxConnections: 4 });
      await migrateToLatest(db, url);
      opened.push(db);
      return { url, db };
    },
    async stop() {
      await Promise.all(opened.map((db) => db.destroy()));
      await postgres?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

export const benchSecrets: { key: string; box: SecretBox } = (() => {
  const key = randomBytes(32).toString("base64");
  return { key, box: createSecretBox(key) };
})();

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

/** Tenants and connections in bulk, one statement each; the insert trigger enqueues first syncs. */
export async function insertConnections(
  db: Database,
  input: {
    count: number;
    provider: string;
    baseUrl: string;
    credentials: (i: number) => object;
    tier?: "enterprise" | "pro" | "free";
    /** Paused connections get no first sync from the insert trigger. (Default: "active") */
    status?: "active" | "paused";
  },
): Promise<string[]> {
  const tenant = await db
    .insertInto("tenants")
    .values({ name: `bench ${input.provider}`, tier: input.tier ?? "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = await db
    .insertInto("connections")
    .values(
      Array.from({ length: input.count }, (_, i) => ({ id: randomUUID(), i })).map(({ id, i }) => ({
        id,
        tenant_id: tenant.id,
        provider: input.provider,
        name: `${input.provider} ${i}`,
        base_url: input.baseUrl,
        credentials_encrypted: benchSecrets.box.seal(JSON.stringify(input.credentials(i)), id),
      })),
    )
    .returning("id")
    .execute();
  const ids = rows.map((row) => row.id);
  if (input.status === "paused") {
    // The insert trigger made each connection's target and enqueued its first sync: undo both.
    await db.updateTable("sync_targets").set({ status: "paused" }).where("id", "in", ids).execute();
    await sql`select graphile_worker.remove_job('sync:' || id) from unnest(${ids}::uuid[]) as id`.execute(db);
  }
  return ids;
}
