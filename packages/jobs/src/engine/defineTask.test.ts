import { replayDeadLetters } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { Logger, runOnce } from "graphile-worker";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTaskList } from "../catalog.ts";
import { testContext } from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await sql`truncate synchub.credit_ledger, synchub.credit_batches, synchub.credit_balances,
    synchub.subscriptions, synchub.runs, synchub.dead_letters cascade`.execute(t.db);
  await sql`select graphile_worker.permanently_fail_jobs(array_agg(id), 'test reset') from graphile_worker.jobs`.execute(
    t.db,
  );
  await sql`delete from graphile_worker._private_jobs`.execute(t.db);
});

const quiet = new Logger(() => () => {});

/** Runs every due job once with the real catalog, as a worker would. */
async function work() {
  await runOnce({ connectionString: t.url, taskList: createTaskList(testContext(t.db)), logger: quiet });
}

async function enqueue(task: string, payload: object = {}) {
  await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json)`.execute(t.db);
}

/** The queued jobs of a task with their payloads (which graphile-worker's public view leaves out). */
async function queued(task: string) {
  const { rows } = await sql<{
    id: string;
    payload: Record<string, unknown>;
    run_at: Date;
    max_attempts: number;
  }>`
    select j.id::text, j.payload, j.run_at, j.max_attempts
    from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id
    where k.identifier = ${task}`.execute(t.db);
  return rows;
}

/** Makes every queued job due now, through graphile-worker's public function. */
async function dueNow() {
  await sql`select graphile_worker.reschedule_jobs(array_agg(id), run_at := now()) from graphile_worker.jobs`.execute(
    t.db,
  );
}

async function runs(task: string) {
  return t.db
    .selectFrom("runs")
    .select(["trigger", "attempt", "status", "error_class", "dead_letter_id"])
    .where("task", "=", task)
    .orderBy("id")
    .execute();
}

async function balances() {
  const rows = await t.db
    .selectFrom("credit_balances")
    .select(["user_ref", "balance"])
    .orderBy("user_ref")
    .execute();
  return rows.map((row) => [row.user_ref, Number(row.balance)]);
}

describe("a task defined through the wrapper", () => {
  it("retries a grant whose database call failed after the policy's first delay, and grants once", async () => {
    await t.db
      .insertInto("subscriptions")
      .values([
        { user_ref: "ada", plan: "pro", monthly_credits: 500 },
        { user_ref: "bob", plan: "pro", monthly_credits: 100 },
      ])
      .execute();
    await enqueue("credits.grant");
    const [first] = await queued("credits.grant");
    // A fault the grant's statement meets: its table is briefly gone.
    await sql`alter table synchub.credit_batches rename to credit_batches_away`.execute(t.db);
    try {
      await work();
    } finally {
      await sql`alter table synchub.credit_batches_away rename to credit_batches`.execute(t.db);
    }
    expect(await runs("credits.grant")).toEqual([
      { trigger: "schedule", attempt: 1, status: "failed", error_class: "transient", dead_letter_id: null },
    ]);
    const [retry] = await queued("credits.grant");
    expect(retry?.payload).toMatchObject({ attempt: 2 });
    // The policy's first delay is one minute, not graphile-worker's own backoff.
    expect(retry!.run_at.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(retry!.run_at.getTime() - Date.now()).toBeLessThan(61_000);
    expect(retry?.max_attempts).toBe(1);

    await dueNow();
    await work();
    expect((await runs("credits.grant")).map((run) => [run.attempt, run.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(await balances()).toEqual([
      ["ada", 500],
      ["bob", 100],
    ]);
    // Both attempts' runs carry the first job's id, the one a schedule's ledger recorded.
    const jobIds = await t.db
      .selectFrom("runs")
      .select("job_id")
      .where("task", "=", "credits.grant")
      .execute();
    expect(jobIds.map((run) => run.job_id)).toEqual([String(first!.id), String(first!.id)]);
    expect(await queued("credits.grant")).toEqual([]);
    expect(await t.db.selectFrom("dead_letters").select("id").execute()).toEqual([]);
  });

  it("dead-letters a transient failure once the policy's three retries are spent", async () => {
    await enqueue("quota.resetDaily");
    await sql`alter table synchub.quota_accounts rename to quota_accounts_away`.execute(t.db);
    try {
      for (let attempt = 1; attempt <= 4; attempt++) {
        await work();
        await dueNow();
      }
    } finally {
      await sql`alter table synchub.quota_accounts_away rename to quota_accounts`.execute(t.db);
    }
    expect((await runs("quota.resetDaily")).map((run) => [run.attempt, run.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
      [4, "failed"],
    ]);
    expect(await queued("quota.resetDaily")).toEqual([]);
    const letters = await t.db.selectFrom("dead_letters").selectAll().execute();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      task: "quota.resetDaily",
      error_class: "transient",
      attempts: 4,
      status: "open",
    });
  });

  it("sends a permanent failure straight to the dead letters, and a replay from the admin runs it as replay", async () => {
    // A plan misconfigured by hand: one user's credits overflow what a grant can hold.
    await t.db
      .insertInto("subscriptions")
      .values([
        { user_ref: "ada", plan: "pro", monthly_credits: 2_000_000_000 },
        { user_ref: "ada", plan: "addon", monthly_credits: 2_000_000_000 },
      ])
      .execute();
    await enqueue("credits.grant");
    await work();
    expect(await runs("credits.grant")).toEqual([
      { trigger: "schedule", attempt: 1, status: "failed", error_class: "permanent", dead_letter_id: null },
    ]);
    expect(await queued("credits.grant")).toEqual([]);
    const [letter] = await t.db.selectFrom("dead_letters").selectAll().execute();
    expect(letter).toMatchObject({ task: "credits.grant", error_class: "permanent", attempts: 1 });
    expect(letter?.next_auto_retry_at).toBeNull();

    // The operator fixes the plan and presses Replay (the admin's deadLetters.replay).
    await t.db
      .updateTable("subscriptions")
      .set({ monthly_credits: 100 })
      .where("plan", "=", "addon")
      .execute();
    await t.db.updateTable("subscriptions").set({ monthly_credits: 500 }).where("plan", "=", "pro").execute();
    expect(await replayDeadLetters(t.db, { ids: [letter!.id] }, "operator")).toEqual([letter!.id]);
    await work();
    expect((await runs("credits.grant")).at(-1)).toEqual({
      trigger: "replay",
      attempt: 1,
      status: "succeeded",
      error_class: null,
      dead_letter_id: letter!.id,
    });
    expect(await balances()).toEqual([["ada", 600]]);
    const after = await t.db
      .selectFrom("dead_letters")
      .select("status")
      .where("id", "=", letter!.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe("resolved");
  });

  it("dead-letters a payload it cannot read instead of retrying it", async () => {
    await enqueue("credits.grant", { now: "yesterday-ish" });
    await work();
    expect(await queued("credits.grant")).toEqual([]);
    const [letter] = await t.db.selectFrom("dead_letters").selectAll().execute();
    expect(letter).toMatchObject({ task: "credits.grant", error_class: "permanent" });
    expect(letter?.error).toMatch(/^Invalid payload for credits.grant: now:/);
  });
});
