import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, type Database } from "./client.ts";
import { migrateToLatest } from "./migrate.ts";

// A database migrated only up to 0016, holding S1's and S4's data as the old tables kept it.
const adminUrl = inject("postgresAdminUrl");
const name = `synchub_carry_${randomBytes(6).toString("hex")}`;
let url: string;
let db: Database;

async function admin(text: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`create database ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  url = u.toString();
  db = createDb({ connectionString: url, maxConnections: 2 });
  await migrateToLatest(db, url, "0016_retries_keep_their_word");
});
afterAll(async () => {
  await db.destroy();
  await admin(`drop database if exists ${name} with (force)`);
});

describe("migration 0017", () => {
  it("carries connections' sync state, sync and job runs, the credit ledger and dead letters over", async () => {
    await sql`
      insert into synchub.tenants (id, name, tier) values ('00000000-0000-4000-8000-0000000000a1', 'Acme', 'enterprise');
      insert into synchub.connections (id, tenant_id, provider, name, base_url, credentials_encrypted,
        status, paused_reason, sync_status, sync_error, last_synced_at, next_sync_at, consecutive_failures, auth_failures)
      values ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', 'openai', 'Main', null,
        'v2.x.y.z', 'paused', 'Customer asked', 'failed', 'OpenAI answered 503', '2026-11-30T10:00:00Z',
        '2026-12-01T10:00:00Z', 2, 1);
      insert into synchub.sync_runs (connection_id, trigger, status, attempt, rows_fetched)
      values ('00000000-0000-4000-8000-0000000000c1', 'manual', 'succeeded', 1, 42);
      insert into synchub.job_runs (task, trigger, status, results)
      values ('credits.grant', 'http', 'succeeded', '{"processed": 1}');
      insert into synchub.credit_batches (user_ref, amount, remaining, source, grant_period)
      values ('ada', 100, 100, 'grant', '2026-11');
      insert into synchub.credit_ledger (user_ref, batch_id, delta, reason, job_run_id)
      select 'ada', b.id, 100, 'grant', r.id from synchub.credit_batches b, synchub.job_runs r;
      insert into synchub.dead_letters (task, payload, connection_id, error_class, error, fingerprint, attempts)
      values ('sync.connection', '{}', '00000000-0000-4000-8000-0000000000c1', 'permanent', 'bad key', '0123456789abcdef', 1);
    `.execute(db);

    await migrateToLatest(db, url);

    const target = await db
      .selectFrom("sync_targets")
      .selectAll()
      .where("id", "=", "00000000-0000-4000-8000-0000000000c1")
      .executeTakeFirstOrThrow();
    expect(target).toMatchObject({
      kind: "llm.costs",
      subject_id: "00000000-0000-4000-8000-0000000000c1",
      pool: "openai",
      interval_ms: 30 * 60_000,
      priority: 10,
      status: "paused",
      paused_reason: "Customer asked",
      sync_status: "failed",
      sync_error: "OpenAI answered 503",
      consecutive_failures: 2,
      auth_failures: 1,
    });
    expect(target.last_synced_at?.toISOString()).toBe("2026-11-30T10:00:00.000Z");

    const runs = await db
      .selectFrom("runs")
      .select(["task", "kind", "target_id", "trigger", "rows_fetched", "results"])
      .orderBy("id")
      .execute();
    expect(runs).toEqual([
      {
        task: "sync.target",
        kind: "llm.costs",
        target_id: "00000000-0000-4000-8000-0000000000c1",
        trigger: "manual",
        rows_fetched: 42,
        results: null,
      },
      {
        task: "credits.grant",
        kind: null,
        target_id: null,
        trigger: "http",
        rows_fetched: 0,
        results: { processed: 1 },
      },
    ]);
    const [ledger] = await db.selectFrom("credit_ledger").select("run_id").execute();
    const grantRun = await db
      .selectFrom("runs")
      .select("id")
      .where("task", "=", "credits.grant")
      .executeTakeFirstOrThrow();
    expect(ledger?.run_id).toBe(grantRun.id);
    const [letter] = await db.selectFrom("dead_letters").select("target_id").execute();
    expect(letter?.target_id).toBe("00000000-0000-4000-8000-0000000000c1");
  });
});
