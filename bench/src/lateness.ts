/**
 * Lateness: with 100,000 bulk jobs queued, how long a due scheduled sync waits before it starts.
 * The tick enqueues it at its tier's priority, ahead of the bulk backlog. Reference: the same
 * measurement with an empty queue, in the same run.
 */
import { createTaskList, enqueueDueSyncs } from "@synchub/jobs";
import { startSandbox } from "@synchub/sandbox";
import { run } from "graphile-worker";
import { sql } from "kysely";
import {
  type BenchServer,
  benchSecrets,
  insertConnections,
  percentile,
  quietLogger,
  waitUntil,
} from "./harness.ts";

const BULK = 100_000;
const SAMPLES = 40;

async function measure(server: BenchServer, sandboxUrl: string, bulk: number) {
  const { url, db } = await server.newDatabase();
  await db.updateTable("pools").set({ min_interval_ms: 0 }).execute();
  const [connectionId] = await insertConnections(db, {
    count: 1,
    provider: "openai",
    baseUrl: `${sandboxUrl}/openai`,
    credentials: () => ({ adminKey: "sk-admin-lateness-0000" }),
    tier: "free",
    status: "paused",
  });
  await sql`update synchub.sync_targets set status = 'active', next_sync_at = now() + interval '1 day'`.execute(
    db,
  );
  for (let added = 0; added < bulk; added += 10_000) {
    // Bulk work at a lower priority (a higher number) than any sync, like a backfill or an import.
    await sql`select graphile_worker.add_jobs(array(
      select row('bench.bulk', '{}'::json, null, null, null, null, 100, null)::graphile_worker.job_spec
      from generate_series(1, ${Math.min(10_000, bulk - added)})))`.execute(db);
  }
  const ctx = { db, secrets: benchSecrets.box, sync: { backfillDays: 1 } };
  const runner = await run({
    connectionString: url,
    concurrency: 4,
    // Each bulk job holds its worker briefly, so the backlog lasts through the samples.
    taskList: {
      ...createTaskList(ctx),
      "bench.bulk": () => new Promise((resolve) => setTimeout(resolve, 2)),
    },
    logger: quietLogger,
    pollInterval: 1000,
  });
  const waits: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      await sql`update synchub.sync_targets set next_sync_at = now() where id = ${connectionId}`.execute(db);
      const enqueuedAt = new Date();
      if ((await enqueueDueSyncs(ctx)) !== 1)
        throw new Error("lateness: the tick did not enqueue the due sync");
      await waitUntil(
        "the sync to start",
        async () => {
          const { rows } = await sql<{ started: Date | null }>`
            select max(started_at) as started from synchub.runs where target_id = ${connectionId}
              and started_at >= ${enqueuedAt}`.execute(db);
          if (!rows[0]?.started) return false;
          waits.push(rows[0].started.getTime() - enqueuedAt.getTime());
          return true;
        },
        60_000,
      );
      // Let it finish before the next sample.
      await waitUntil(
        "the sync to finish",
        async () => {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from synchub.runs where target_id = ${connectionId} and status = 'running'`.execute(
            db,
          );
          return rows[0]!.n === 0;
        },
        60_000,
      );
    }
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'bench.bulk'`.execute(
      db,
    );
    return { p99: percentile(waits, 99), p50: percentile(waits, 50), bulkLeft: rows[0]!.n };
  } finally {
    await runner.stop();
  }
}

export async function lateness(server: BenchServer) {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const idle = await measure(server, sandbox.url, 0);
    const loaded = await measure(server, sandbox.url, BULK);
    return {
      name: "lateness",
      figure: `p99 ${loaded.p99} ms (p50 ${loaded.p50} ms) with ${BULK.toLocaleString("en")} bulk jobs queued`,
      reference: `p99 ${idle.p99} ms (p50 ${idle.p50} ms) with an empty queue`,
      ratio: loaded.p99 / Math.max(idle.p99, 1),
      target: "p99 <= 1000 ms",
      ok: loaded.p99 <= 1000,
      detail: `${SAMPLES} samples each; ${loaded.bulkLeft.toLocaleString("en")} bulk jobs still queued after the last sample`,
    };
  } finally {
    await sandbox.close();
  }
}
