import { replayDeadLetters, requestSync } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueDueSyncs } from "../tasks/syncTick.ts";
import {
  disablePacing,
  injectFault,
  insertOpenAIConnection,
  insertTenant,
  runDueJobs,
  sandboxKey,
} from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await disablePacing(t.db);
});
afterAll(() => t.drop());

async function pending(id: string) {
  const { rows } = await sql<{ payload: { trigger: string; attempt: number }; run_in_seconds: number }>`
    select payload, extract(epoch from run_at - now())::float8 as run_in_seconds
    from graphile_worker._private_jobs where key = ${`sync:${id}`}`.execute(t.db);
  return rows;
}

async function history(id: string) {
  const rows = await t.db
    .selectFrom("runs")
    .select(["trigger", "attempt", "status", "dead_letter_id"])
    .where("target_id", "=", id)
    .orderBy("id")
    .execute();
  return rows.map((row) => [row.trigger, row.attempt, row.status, row.dead_letter_id]);
}

async function makeDue(id: string) {
  await sql`update graphile_worker._private_jobs set run_at = now() where key = ${`sync:${id}`}`.execute(
    t.db,
  );
}

describe("a pending retry", () => {
  it("keeps its attempt through a tick, runs now on Sync now as manual, and reaches its dead letter on time", async () => {
    const key = sandboxKey("outage");
    // The provider is down for the whole test.
    await injectFault(key, { kind: "5xx", status: 503, count: 1000 });
    const { id: tenantId } = await insertTenant(t.db, "pro");
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);
    expect(await history(id)).toEqual([["created", 1, "failed", null]]);
    const [retry] = await pending(id);
    expect(retry?.payload).toMatchObject({ trigger: "created", attempt: 2 });
    expect(retry?.run_in_seconds).toBeGreaterThan(50);

    // The tick finds the connection due (its failure backoff is short) and meets the retry.
    await t.db
      .updateTable("sync_targets")
      .set({ next_sync_at: new Date(Date.now() - 1000) })
      .where("id", "=", id)
      .execute();
    await enqueueDueSyncs({ db: t.db });
    const [afterTick] = await pending(id);
    expect(afterTick?.payload).toMatchObject({ trigger: "created", attempt: 2 });
    expect(afterTick?.run_in_seconds).toBeGreaterThan(50);

    // Sync now: runs at once, as manual, continuing attempt 2.
    await requestSync(t.db, id, "manual");
    const [afterManual] = await pending(id);
    expect(afterManual?.payload).toMatchObject({ trigger: "manual", attempt: 2 });
    expect(afterManual?.run_in_seconds).toBeLessThan(1);
    await runDueJobs(t.db, t.url);
    expect((await history(id)).at(-1)).toEqual(["manual", 2, "failed", null]);

    // The policy's remaining retries (5 and 15 minutes), then the dead letter.
    for (let i = 0; i < 2; i++) {
      await makeDue(id);
      await runDueJobs(t.db, t.url);
    }
    expect(await history(id)).toEqual([
      ["created", 1, "failed", null],
      ["manual", 2, "failed", null],
      ["manual", 3, "failed", null],
      ["manual", 4, "failed", null],
    ]);
    expect(await pending(id)).toEqual([]);
    const [letter] = await t.db.selectFrom("dead_letters").selectAll().where("target_id", "=", id).execute();
    expect(letter).toMatchObject({ error_class: "transient", attempts: 4, status: "open" });

    // A replay of the letter is recorded as replay, from its first attempt, and names the letter.
    await replayDeadLetters(t.db, { ids: [letter!.id] }, "operator");
    await runDueJobs(t.db, t.url);
    expect((await history(id)).at(-1)).toEqual(["replay", 1, "failed", letter!.id]);
  });
});
