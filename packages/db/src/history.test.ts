import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneHistory, type RunCount, rollUpRuns, runCounts } from "./repositories/history.ts";
import { finishRun } from "./repositories/runs.ts";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
let openaiTarget: string;
let anthropicTarget: string;

beforeAll(async () => {
  t = await createTestDatabase();
  openaiTarget = await insertTestConnection(t.db, { status: "paused", provider: "openai" });
  anthropicTarget = await insertTestConnection(t.db, { status: "paused", provider: "anthropic" });
});
afterAll(() => t.drop());

/**
 * `n` finished runs spread evenly over the last `days` days (the newest a few seconds ago), with
 * a status mix: every 20th failed, every 50th deferred, the rest succeeded; durations 0.05–20 s.
 */
async function insertRuns(targetId: string | null, task: string, n: number, days: number): Promise<void> {
  await sql`
    insert into synchub.runs (task, kind, target_id, trigger, status, started_at, finished_at, duration_ms)
    select ${task}, ${targetId === null ? null : "llm.costs"}, ${targetId}::uuid, 'schedule',
      case when i % 20 = 0 then 'failed' when i % 50 = 0 then 'deferred' else 'succeeded' end,
      at - d * interval '1 millisecond', at, d
    from generate_series(1, ${n}) as i
    cross join lateral (select now() - interval '5 seconds' - (${days} * interval '1 day') * i / ${n} as at) a
    cross join lateral (select (50 + (i * 7919) % 20000)::int as d) dur`.execute(t.db);
}

/** The truth, counted straight from the runs table. */
async function countedFromRuns(): Promise<Map<string, number>> {
  const { rows } = await sql<{ key: string; n: number }>`
    select r.task || '/' || coalesce(s.pool, '') || '/' || r.status as key, count(*)::int as n
    from synchub.runs r left join synchub.sync_targets s on s.id = r.target_id
    where r.status <> 'running' group by 1`.execute(t.db);
  return new Map(rows.map((row) => [row.key, row.n]));
}

function byGroup(counts: RunCount[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of counts) {
    const key = `${row.task}/${row.pool}/${row.status}`;
    sums.set(key, (sums.get(key) ?? 0) + row.runs);
  }
  return sums;
}

const runRows = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from synchub.runs`.execute(t.db)).rows[0]!.n);

describe("bounded run history", () => {
  it("keeps every count through roll-ups and a prune of 60 days at 30-day retention, while runs keep finishing", async () => {
    await insertRuns(openaiTarget, "sync.target", 6_000, 60);
    await insertRuns(anthropicTarget, "sync.target", 3_000, 60);
    await insertRuns(null, "credits.grant", 600, 60);
    const truth = await countedFromRuns();
    expect(byGroup(await runCounts(t.db))).toEqual(truth);

    // Rolled up: the same numbers, now read from run_totals plus the last couple of minutes.
    expect(await rollUpRuns(t.db)).toBe(9_600);
    expect(await rollUpRuns(t.db)).toBe(0);
    expect(byGroup(await runCounts(t.db))).toEqual(truth);

    // A prune while syncs keep finishing: the new runs are counted on top, nothing is lost.
    const [pruned] = await Promise.all([
      pruneHistory(t.db, { runDays: 30, closedDeadLetterDays: 30, auditDays: 365 }, 500),
      (async () => {
        for (let i = 0; i < 10; i++) await insertRuns(openaiTarget, "sync.target", 10, 0.001);
      })(),
    ]);
    expect(pruned.runs).toBeGreaterThan(4_700);
    expect(pruned.runs).toBeLessThan(4_900);
    const after = byGroup(await runCounts(t.db));
    const expected = new Map(truth);
    expected.set("sync.target/openai/succeeded", (truth.get("sync.target/openai/succeeded") ?? 0) + 100);
    expect(after).toEqual(expected);

    // About 30 days of rows remain, none older than the retention.
    expect(await runRows()).toBeGreaterThan(4_700);
    expect(await runRows()).toBeLessThan(5_000);
    const { rows } = await sql<{ oldest: Date }>`select min(finished_at) as oldest from synchub.runs`.execute(
      t.db,
    );
    expect(Date.now() - rows[0]!.oldest.getTime()).toBeLessThan(30 * 86_400_000);
  });

  it("never lets a counter go down: a prune only moves counts from rows into the totals", async () => {
    await insertRuns(openaiTarget, "sync.target", 200, 45);
    const before = await runCounts(t.db);
    await pruneHistory(t.db, { runDays: 30, closedDeadLetterDays: 30, auditDays: 365 });
    const after = new Map(
      (await runCounts(t.db)).map((row) => [
        `${row.task}/${row.pool}/${row.status}/${row.durationBucket}`,
        row.runs,
      ]),
    );
    for (const row of before) {
      expect(after.get(`${row.task}/${row.pool}/${row.status}/${row.durationBucket}`)).toBeGreaterThanOrEqual(
        row.runs,
      );
    }
  });

  it("does not delete runs not yet rolled up, however old", async () => {
    await sql`update synchub.run_rollup_state set rolled_up_until = now() - interval '40 days'`.execute(t.db);
    await insertRuns(openaiTarget, "sync.target", 100, 39);
    // The prune rolls up first (to now - 2 min), so the old rows are counted and then deleted.
    const before = byGroup(await runCounts(t.db));
    await pruneHistory(t.db, { runDays: 1, closedDeadLetterDays: 30, auditDays: 365 });
    expect(byGroup(await runCounts(t.db))).toEqual(before);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from synchub.runs where finished_at < now() - interval '1 day'`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });

  it("prunes closed dead letters and audit rows past their own retention, and keeps open dead letters", async () => {
    const old = sql<Date>`now() - interval '100 days'`;
    await t.db
      .insertInto("dead_letters")
      .values([
        {
          task: "sync.target",
          payload: "{}",
          error_class: "permanent",
          error: "open",
          fingerprint: "a".repeat(16),
          attempts: 1,
          first_failed_at: old,
        },
        {
          task: "sync.target",
          payload: "{}",
          error_class: "permanent",
          error: "closed",
          fingerprint: "b".repeat(16),
          attempts: 1,
          status: "discarded",
          closed_at: old,
        },
        {
          task: "sync.target",
          payload: "{}",
          error_class: "permanent",
          error: "recent",
          fingerprint: "c".repeat(16),
          attempts: 1,
          status: "resolved",
          closed_at: sql<Date>`now()`,
        },
      ])
      .execute();
    await t.db
      .insertInto("audit_log")
      .values([
        { actor: "a", action: "old.thing", object_type: "x", at: sql<Date>`now() - interval '400 days'` },
        { actor: "a", action: "new.thing", object_type: "x" },
      ])
      .execute();
    // A run its worker never finished, far past retention: it will never be counted.
    await t.db
      .insertInto("runs")
      .values({
        task: "credits.grant",
        trigger: "schedule",
        started_at: sql<Date>`now() - interval '90 days'`,
      })
      .execute();

    const pruned = await pruneHistory(t.db, { runDays: 30, closedDeadLetterDays: 30, auditDays: 365 });
    expect(pruned.deadLetters).toBe(1);
    expect(pruned.auditRows).toBe(1);
    const left = await t.db.selectFrom("dead_letters").select("error").orderBy("error").execute();
    expect(left.map((row) => row.error)).toEqual(["open", "recent"]);
    expect(
      await t.db.selectFrom("audit_log").select("action").where("action", "like", "%.thing").execute(),
    ).toEqual([{ action: "new.thing" }]);
    const stuck = await t.db.selectFrom("runs").select("id").where("status", "=", "running").execute();
    expect(stuck).toEqual([]);
  });

  it("keeps the counts of a deleted target's runs that were not rolled up yet", async () => {
    const doomed = await insertTestConnection(t.db, { status: "paused", provider: "anthropic" });
    await insertRuns(doomed, "sync.target", 40, 0.0001);
    const before = byGroup(await runCounts(t.db));
    // As deleting a tenant does: its connections go, and their targets with them (trigger).
    await t.db.deleteFrom("sync_targets").where("id", "=", doomed).execute();
    expect(byGroup(await runCounts(t.db))).toEqual(before);
    await rollUpRuns(t.db, 0);
    expect(byGroup(await runCounts(t.db))).toEqual(before);
  });

  it("finishes a run once: a run the reaper failed is not rewritten when its stalled worker finishes it", async () => {
    const target = await insertTestConnection(t.db, { status: "paused" });
    const run = await t.db
      .insertInto("runs")
      .values({ task: "sync.target", kind: "llm.costs", target_id: target, trigger: "schedule" })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The reaper's verdict (heartbeats.ts), then the worker wakes up.
    await t.db
      .updateTable("runs")
      .set({
        status: "failed",
        finished_at: new Date(),
        error_class: "transient",
        error: "worker presumed dead",
      })
      .where("id", "=", run.id)
      .execute();
    await finishRun(t.db, run.id, { status: "succeeded" });
    await sql`select synchub.complete_sync(${run.id}::bigint, ${target}::uuid, 'w', 'openai', 1, now(), now(), null)`.execute(
      t.db,
    );
    const row = await t.db
      .selectFrom("runs")
      .select(["status", "error"])
      .where("id", "=", run.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "failed", error: "worker presumed dead" });
  });
});
