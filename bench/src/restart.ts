/**
 * Restart: a worker process mid-sweep loses its database for 20 s (the embedded cluster stopped
 * and started again on the same data and port). Figure: time from Postgres answering again to
 * all work resumed and done (every connection synced, no run left running, no job locked), and
 * to the first sync finished after the return. Target: under 30 s. Its own Postgres: it stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { createDb, type Database, migrateToLatest } from "@synchub/db";
import { ensureDatabase } from "@synchub/dev/databases";
import { freePort } from "@synchub/dev/ports";
import { makeScratchDir, startEmbeddedPostgres } from "@synchub/dev/postgres";
import { startSandbox } from "@synchub/sandbox";
import { sql } from "kysely";
import { benchSecrets, insertConnections, waitUntil } from "./harness.ts";
import type { BenchResult } from "./run.ts";

const OUTAGE_MS = 20_000;
const CONNECTIONS = 12;
const workerMain = createRequire(import.meta.url)
  .resolve("@synchub/worker")
  .replace(/worker\.ts$/, "main.ts");

/** Run history as the benchmark reads it (one place to change when the run table changes). */
async function runCounts(db: Database) {
  const { rows } = await sql<{ running: number; succeeded: number; latest_finish: Date | null }>`
    select count(*) filter (where status = 'running')::int as running,
           count(*) filter (where status = 'succeeded')::int as succeeded,
           max(finished_at) filter (where status = 'succeeded') as latest_finish
    from synchub.runs where target_id is not null`.execute(db);
  return rows[0]!;
}

export async function restart(): Promise<BenchResult> {
  const scratch = await makeScratchDir("synchub-bench-restart-");
  const dataDir = path.join(scratch, "data");
  const port = await freePort();
  let postgres = await startEmbeddedPostgres({ dataDir, port });
  const sandbox = await startSandbox({ port: 0 });
  let worker: ChildProcess | undefined;
  let db: Database | undefined;
  try {
    const url = await ensureDatabase(postgres.url, "synchub");
    db = createDb({ connectionString: url, maxConnections: 3 });
    await migrateToLatest(db, url);
    await db.updateTable("pools").set({ min_interval_ms: 0 }).execute();
    let exited = false;
    worker = spawn(process.execPath, ["--import", "tsx", workerMain], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        SYNCHUB_ENCRYPTION_KEY: benchSecrets.key,
        LOG_LEVEL: "silent",
      },
      stdio: "ignore",
    });
    worker.once("exit", () => {
      exited = true;
    });
    // Each account's first call takes 2 s, so syncs are in flight when the database goes.
    const keys = Array.from(
      { length: CONNECTIONS },
      (_, i) => `sk-admin-restart-${i}-${randomBytes(3).toString("hex")}`,
    );
    for (const key of keys) {
      await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key, kind: "latency", latencyMs: 2_000, count: 1 }),
      });
    }
    await insertConnections(db, {
      count: CONNECTIONS,
      provider: "openai",
      baseUrl: `${sandbox.url}/openai`,
      credentials: (i) => ({ adminKey: keys[i] }),
    });
    const current = () => db!;
    await waitUntil(
      "the sweep to be under way",
      async () => {
        const counts = await runCounts(current());
        return counts.succeeded > 0 && counts.running > 0;
      },
      60_000,
    );
    await db.destroy();
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    postgres = await startEmbeddedPostgres({ dataDir, port });
    const back = Date.now();
    db = createDb({ connectionString: url, maxConnections: 3 });
    let firstSyncAfter: number | undefined;
    await waitUntil(
      "all work resumed and done",
      async () => {
        const counts = await runCounts(current());
        if (firstSyncAfter === undefined && counts.latest_finish && counts.latest_finish.getTime() > back) {
          firstSyncAfter = Date.now() - back;
        }
        const { rows } = await sql<{ synced: number; locked: number }>`
          select (select count(*)::int from synchub.sync_targets where kind = 'llm.costs' and sync_status = 'ok') as synced,
                 (select count(*)::int from graphile_worker.jobs where locked_at is not null) as locked`.execute(
          current(),
        );
        return rows[0]!.synced === CONNECTIONS && rows[0]!.locked === 0 && counts.running === 0;
      },
      180_000,
    );
    const seconds = (Date.now() - back) / 1000;
    return {
      name: "restart",
      figure: `${seconds.toFixed(1)} s from Postgres back to all ${CONNECTIONS} connections synced, nothing running or locked (first sync done after ${((firstSyncAfter ?? 0) / 1000).toFixed(1)} s)`,
      reference: `target 30 s; outage ${OUTAGE_MS / 1000} s`,
      ratio: seconds / 30,
      target: "< 30 s, the worker process never exits",
      ok: seconds < 30 && !exited,
      detail: exited ? "the worker process exited during the outage" : "the worker process kept running",
    };
  } finally {
    worker?.kill("SIGKILL");
    await db?.destroy().catch(() => {});
    await sandbox.close();
    await postgres.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
