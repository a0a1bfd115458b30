import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Database, migrateToLatest } from "@synchub/db";
import { ensureDatabase } from "@synchub/dev/databases";
import { freePort } from "@synchub/dev/ports";
import { makeScratchDir, type RunningPostgres, startEmbeddedPostgres } from "@synchub/dev/postgres";
import { createSecretBox } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

// This test stops Postgres, so it runs its own cluster, never the shared test one.
let scratch: string;
let dataDir: string;
let port: number;
let postgres: RunningPostgres | undefined;
let url: string;
let db: Database;
let worker: ChildProcess | undefined;
const workerLog: string[] = [];
const encryptionKey = randomBytes(32).toString("base64");

beforeAll(async () => {
  scratch = await makeScratchDir("synchub-outage-");
  dataDir = path.join(scratch, "data");
  port = await freePort();
  postgres = await startEmbeddedPostgres({ dataDir, port });
  url = await ensureDatabase(postgres.url, "synchub");
  db = createDb({ connectionString: url, maxConnections: 3 });
  await migrateToLatest(db, url);
  await db.updateTable("pools").set({ min_interval_ms: 0 }).execute();
});
afterAll(async () => {
  worker?.kill("SIGKILL");
  await db?.destroy();
  await postgres?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** Run history as the test reads it (one place to change when the run table changes). */
async function runHistory(database: Database) {
  const runs = await database
    .selectFrom("runs")
    .select(["target_id as targetId", "status", "rows_fetched as rowsFetched"])
    .where("target_id", "is not", null)
    .orderBy("id")
    .execute();
  return runs.map((run) => ({ ...run, rowsFetched: Number(run.rowsFetched) }));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error; // the database may still be coming up
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}\n` +
      `worker log tail:\n${workerLog.slice(-15).join("")}`,
  );
}

describe("a worker whose database stops for 20 seconds during a sweep", () => {
  it("keeps running, and every connection ends synced once with no run left running and no job locked", async () => {
    const sandboxUrl = inject("sandboxUrl");
    worker = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: url,
          SYNCHUB_ENCRYPTION_KEY: encryptionKey,
          WORKER_CONCURRENCY: "4",
          WORKER_HEARTBEAT_MS: "1000",
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    worker.stdout?.on("data", (chunk: Buffer) => workerLog.push(chunk.toString()));
    worker.stderr?.on("data", (chunk: Buffer) => workerLog.push(chunk.toString()));
    let exited: string | undefined;
    worker.once("exit", (code, signal) => {
      exited = `the worker process exited (code ${code}, signal ${signal}):\n${workerLog.slice(-10).join("")}`;
    });

    // Twelve accounts, each of whose first provider call takes 2 s: a sweep still in flight
    // when Postgres goes away.
    const tenant = await db
      .insertInto("tenants")
      .values({ name: "Outage", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const secrets = createSecretBox(encryptionKey);
    const accounts = Array.from({ length: 12 }, (_, i) => ({
      id: randomUUID(),
      adminKey: `sk-admin-outage-${i}-${randomBytes(4).toString("hex")}`,
    }));
    for (const { adminKey } of accounts) {
      await fetch(`${sandboxUrl}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: adminKey, kind: "latency", latencyMs: 2_000, count: 1 }),
      });
    }
    await db
      .insertInto("connections")
      .values(
        accounts.map(({ id, adminKey }, i) => ({
          id,
          tenant_id: tenant.id,
          provider: "openai",
          name: `outage ${i}`,
          base_url: `${sandboxUrl}/openai`,
          credentials_encrypted: secrets.seal(JSON.stringify({ adminKey }), id),
        })),
      )
      .execute();

    await until(
      "the sweep to be under way (one sync done, others running)",
      async () => {
        const runs = await runHistory(db);
        const done = runs.some((run) => run.status === "succeeded");
        return done && runs.some((run) => run.status === "running") ? true : undefined;
      },
      60_000,
    );
    await db.destroy();
    await postgres?.stop();
    postgres = undefined;
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    expect(exited).toBeUndefined();

    postgres = await startEmbeddedPostgres({ dataDir, port });
    db = createDb({ connectionString: url, maxConnections: 3 });
    await until(
      "every connection synced, no run running and no job locked, within 30 s of Postgres being back",
      async () => {
        const synced = await db
          .selectFrom("sync_targets")
          .select("id")
          .where("kind", "=", "llm.costs")
          .where("sync_status", "=", "ok")
          .execute();
        const runs = await runHistory(db);
        const { rows } = await sql<{ locked: number }>`
          select count(*)::int as locked from graphile_worker.jobs where locked_at is not null`.execute(db);
        return synced.length === accounts.length &&
          !runs.some((run) => run.status === "running") &&
          rows[0]!.locked === 0
          ? true
          : undefined;
      },
      30_000,
    );
    expect(exited).toBeUndefined();

    const runs = await runHistory(db);
    for (const { id } of accounts) {
      const succeeded = runs.filter((run) => run.targetId === id && run.status === "succeeded");
      // A sync that finished just as the database went can run once more: graphile-worker records
      // a job's completion apart from the task's own work, and that record was lost.
      expect(succeeded.length, `connection ${id} has a successful run`).toBeGreaterThanOrEqual(1);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from synchub.cost_rows where connection_id = ${id}`.execute(db);
      // Every row the provider served is saved once: a run cut short or run again wrote none twice.
      // (A run again starts from its watermark, the day before the first run's success, so it
      // fetches only the last days: the full window is the largest successful fetch.)
      expect(rows[0]!.n).toBe(Math.max(...succeeded.map((run) => run.rowsFetched)));
      expect(rows[0]!.n).toBeGreaterThan(0);
    }
    expect(runs.filter((run) => run.status === "running")).toEqual([]);
  }, 150_000);
});
