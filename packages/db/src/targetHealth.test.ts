import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetGroupHealth } from "./repositories/health.ts";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/** A target of the openai pool put in one state, as the engine would leave it. */
async function targetIn(state: string): Promise<string> {
  const id = await insertTestConnection(t.db, { provider: "openai" });
  const set = {
    healthy: sql`sync_status = 'ok', last_synced_at = now(), next_sync_at = now() + interval '1 hour'`,
    // Due two intervals ago (the pro tier's interval is an hour).
    late: sql`sync_status = 'ok', last_synced_at = now() - interval '3 hours', next_sync_at = now() - 2 * interval_ms * interval '1 millisecond'`,
    failing: sql`sync_status = 'failed', sync_error = '502', last_synced_at = now() - interval '2 hours'`,
    paused_by_system: sql`status = 'paused', auth_failures = 3, sync_status = 'failed'`,
    paused: sql`status = 'paused'`,
    never_synced: sql`next_sync_at = now() + interval '1 minute'`,
  }[state];
  await sql`update synchub.sync_targets set ${set}, updated_at = now() where id = ${id}`.execute(t.db);
  return id;
}

describe("health per pool and kind", () => {
  it("counts each target in exactly one state, with the oldest due age, the last success and who needs a person", async () => {
    const ids = Object.fromEntries(
      await Promise.all(
        ["healthy", "healthy", "late", "failing", "paused_by_system", "paused", "never_synced"].map(
          async (state, i) => [`${state}${i}`, await targetIn(state)] as const,
        ),
      ),
    );
    const [openai] = await targetGroupHealth(t.db);
    expect(openai).toMatchObject({
      pool: "openai",
      kind: "llm.costs",
      activeTargets: 5,
      states: { healthy: 2, late: 1, failing: 1, paused_by_system: 1, paused: 1, never_synced: 1 },
      runsLastHour: 0,
      permanentDeadLetters: 0,
    });
    // The late target has waited two intervals (2 h) past its next sync.
    expect(openai!.oldestDueSeconds).toBeGreaterThan(7_190);
    expect(openai!.oldestDueSeconds).toBeLessThan(7_300);
    expect(Date.now() - openai!.lastSuccessAt!.getTime()).toBeLessThan(60_000);
    // The never-synced one is only a minute old: not yet "never succeeded".
    expect(openai!.needsAttention.sort()).toEqual([ids.failing3, ids.paused_by_system4].sort());
  });

  it("counts the last hour's runs and the open permanent dead letters of the pool's targets", async () => {
    const id = await targetIn("failing");
    await t.db
      .insertInto("runs")
      .values([
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: id,
          trigger: "schedule",
          status: "failed",
          finished_at: new Date(),
        },
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: id,
          trigger: "schedule",
          status: "succeeded",
          finished_at: new Date(),
        },
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: id,
          trigger: "schedule",
          status: "failed",
          finished_at: new Date(Date.now() - 2 * 3_600_000),
        },
      ])
      .execute();
    await t.db
      .insertInto("dead_letters")
      .values([
        {
          task: "sync.target",
          payload: "{}",
          target_id: id,
          error_class: "permanent",
          error: "401",
          fingerprint: "0123456789abcdef",
          attempts: 1,
        },
        {
          task: "sync.target",
          payload: "{}",
          target_id: id,
          error_class: "transient",
          error: "502",
          fingerprint: "fedcba9876543210",
          attempts: 5,
        },
      ])
      .execute();
    const [openai] = await targetGroupHealth(t.db);
    expect(openai).toMatchObject({ runsLastHour: 2, failedRunsLastHour: 1, permanentDeadLetters: 1 });
  });
});
