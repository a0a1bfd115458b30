import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Database } from "./client.ts";
import { rollUpRuns } from "./repositories/history.ts";
import {
  consumeQuota,
  consumeQuotaBatch,
  getQuotaStatus,
  listQuotaAlerts,
  queueStatistics,
  resetAllQuotas,
  resetDailyQuotas,
  resetMonthlyQuotas,
  resetQuotaUser,
  upsertQuotaAccount,
} from "./repositories/quotas.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
// Extra pools play other server processes racing on the same account.
let pools: Database[];
beforeAll(async () => {
  t = await createTestDatabase();
  pools = [
    t.db,
    ...Array.from({ length: 3 }, () => createDb({ connectionString: t.url, maxConnections: 10 })),
  ];
  await t.db
    .insertInto("plans")
    .values({ id: "test", name: "Test", daily_uploads: 100, monthly_ai_requests: 10, storage_bytes: "1000" })
    .execute();
});
afterAll(async () => {
  await Promise.all(pools.slice(1).map((pool) => pool.destroy()));
  await t.drop();
});
beforeEach(async () => {
  await sql`truncate synchub.quota_alerts, synchub.quota_accounts`.execute(t.db);
});

async function usage(userRef: string) {
  const status = await getQuotaStatus(t.db, userRef);
  return Object.fromEntries((status?.usage ?? []).map((u) => [u.metric, u.used]));
}

describe("quota consumption", () => {
  it("lets exactly 100 of 200 concurrent consumes through against a limit of 100", async () => {
    await upsertQuotaAccount(t.db, { userRef: "racer", planId: "test" });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        consumeQuota(pools[i % pools.length]!, { userRef: "racer", metric: "uploads", amount: 1 }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok && r.reason === "over_limit")).toHaveLength(100);
    expect(await usage("racer")).toMatchObject({ uploads: 100 });
  });

  it("answers used, limit and remaining, and refuses an amount that would pass the limit", async () => {
    await upsertQuotaAccount(t.db, { userRef: "u1", planId: "test" });
    const first = await consumeQuota(t.db, { userRef: "u1", metric: "aiRequests", amount: 7 });
    expect(first.ok && first.usage.find((u) => u.metric === "aiRequests")).toEqual({
      metric: "aiRequests",
      used: 7,
      limit: 10,
      remaining: 3,
    });
    const refused = await consumeQuota(t.db, { userRef: "u1", metric: "aiRequests", amount: 4 });
    expect(refused).toMatchObject({ ok: false, reason: "over_limit", overLimit: ["aiRequests"] });
    expect(await usage("u1")).toMatchObject({ aiRequests: 7 });
  });

  it("consumes a batch all-or-nothing: one item over its limit consumes nothing", async () => {
    await upsertQuotaAccount(t.db, { userRef: "u1", planId: "test" });
    const refused = await consumeQuotaBatch(t.db, {
      userRef: "u1",
      items: [
        { metric: "uploads", amount: 5 },
        { metric: "storageBytes", amount: 1001 },
      ],
    });
    expect(refused).toMatchObject({ ok: false, reason: "over_limit", overLimit: ["storageBytes"] });
    expect(await usage("u1")).toEqual({ uploads: 0, aiRequests: 0, storageBytes: 0 });

    const accepted = await consumeQuotaBatch(t.db, {
      userRef: "u1",
      items: [
        { metric: "uploads", amount: 5 },
        { metric: "storageBytes", amount: 600 },
        { metric: "storageBytes", amount: 400 },
      ],
    });
    expect(accepted.ok).toBe(true);
    expect(await usage("u1")).toEqual({ uploads: 5, aiRequests: 0, storageBytes: 1000 });
  });

  it("reports an unknown user instead of consuming", async () => {
    expect(await consumeQuota(t.db, { userRef: "nobody", metric: "uploads", amount: 1 })).toEqual({
      ok: false,
      reason: "unknown_user",
      userRef: "nobody",
    });
  });
});

describe("quota alerts", () => {
  it("records a warning at 80 % and a critical alert at 100 %, each once per period", async () => {
    await upsertQuotaAccount(t.db, { userRef: "u1", planId: "test" });
    const consume = (amount: number) => consumeQuota(t.db, { userRef: "u1", metric: "aiRequests", amount });
    await consume(7);
    expect(await listQuotaAlerts(t.db, "u1")).toHaveLength(0);
    expect((await getQuotaStatus(t.db, "u1"))?.alertLevel).toBeNull();

    await consume(1);
    await Promise.all([consume(1), consume(1), consume(1)]);
    await consume(1);
    const alerts = await listQuotaAlerts(t.db, "u1");
    expect(alerts.map((a) => [a.metric, a.level, Number(a.used), Number(a.limit)])).toEqual([
      ["aiRequests", "warning", 8, 10],
      ["aiRequests", "critical", 10, 10],
    ]);
    expect((await getQuotaStatus(t.db, "u1"))?.alertLevel).toBe("critical");
  });
});

describe("quota resets", () => {
  const yesterday = new Date("2026-11-22T12:00:00Z");
  const today = new Date("2026-11-23T00:05:00Z");

  async function fillAccount(userRef: string, at: Date) {
    await upsertQuotaAccount(t.db, { userRef, planId: "test" });
    await resetQuotaUser(t.db, userRef, at);
    await consumeQuotaBatch(t.db, {
      userRef,
      items: [
        { metric: "uploads", amount: 90 },
        { metric: "aiRequests", amount: 3 },
        { metric: "storageBytes", amount: 50 },
      ],
    });
  }

  it("daily reset clears uploads only, once per day", async () => {
    await fillAccount("u1", yesterday);
    expect((await getQuotaStatus(t.db, "u1"))?.alertLevel).toBe("warning");
    expect(await resetDailyQuotas(t.db, today)).toBe(1);
    expect(await usage("u1")).toEqual({ uploads: 0, aiRequests: 3, storageBytes: 50 });
    const status = await getQuotaStatus(t.db, "u1");
    expect(status).toMatchObject({ dayStarted: "2026-11-23", alertLevel: null });
    expect(await resetDailyQuotas(t.db, today)).toBe(0);
  });

  it("monthly reset clears AI requests only, on a new month", async () => {
    await fillAccount("u1", new Date("2026-11-30T12:00:00Z"));
    expect(await resetMonthlyQuotas(t.db, new Date("2026-11-30T23:00:00Z"))).toBe(0);
    expect(await resetMonthlyQuotas(t.db, new Date("2026-12-01T00:10:00Z"))).toBe(1);
    expect(await usage("u1")).toEqual({ uploads: 90, aiRequests: 0, storageBytes: 50 });
    expect((await getQuotaStatus(t.db, "u1"))?.monthStarted).toBe("2026-12-01");
  });

  it("resets one user, or everyone", async () => {
    await fillAccount("u1", yesterday);
    await fillAccount("u2", yesterday);
    expect(await resetQuotaUser(t.db, "u1")).toBe(true);
    expect(await resetQuotaUser(t.db, "nobody")).toBe(false);
    expect(await usage("u1")).toEqual({ uploads: 0, aiRequests: 0, storageBytes: 0 });
    expect(await usage("u2")).toEqual({ uploads: 90, aiRequests: 3, storageBytes: 50 });
    expect(await resetAllQuotas(t.db)).toBe(2);
    expect(await usage("u2")).toEqual({ uploads: 0, aiRequests: 0, storageBytes: 0 });
  });
});

describe("queue statistics", () => {
  it("counts waiting, delayed, active and failed jobs per task, and completed runs of the last day", async () => {
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    await sql`truncate synchub.runs cascade`.execute(t.db);
    const add = (task: string, runAt: string) =>
      sql`select graphile_worker.add_job(${task}, '{}'::json, run_at := ${runAt}::timestamptz)`.execute(t.db);
    await add("quota.resetDaily", "now()");
    await add("quota.resetDaily", new Date(Date.now() - 60_000).toISOString());
    await add("quota.resetDaily", new Date(Date.now() + 3_600_000).toISOString());
    await add("stripe.syncSubscriptions", new Date(Date.now() - 1_000).toISOString());
    await add("stripe.syncSubscriptions", new Date(Date.now() - 1_000).toISOString());
    // One job taken by a worker, one out of attempts.
    await sql`update graphile_worker._private_jobs j set locked_at = now(), locked_by = 'w1', attempts = 1
      where j.id = (select min(j2.id) from graphile_worker._private_jobs j2
        join graphile_worker._private_tasks t on t.id = j2.task_id where t.identifier = 'stripe.syncSubscriptions')`.execute(
      t.db,
    );
    await sql`update graphile_worker._private_jobs j set attempts = max_attempts, last_error = 'boom'
      where j.id = (select max(j2.id) from graphile_worker._private_jobs j2
        join graphile_worker._private_tasks t on t.id = j2.task_id where t.identifier = 'stripe.syncSubscriptions')`.execute(
      t.db,
    );
    await t.db
      .insertInto("runs")
      .values([
        { task: "quota.resetDaily", trigger: "schedule", status: "succeeded", finished_at: new Date() },
        { task: "quota.resetDaily", trigger: "schedule", status: "failed", finished_at: new Date() },
        {
          task: "quota.resetDaily",
          trigger: "schedule",
          status: "succeeded",
          finished_at: new Date(Date.now() - 2 * 86_400_000),
        },
      ])
      .execute();

    const expected = [
      { task: "quota.resetDaily", waiting: 2, active: 0, completed: 1, failed: 0, delayed: 1 },
      { task: "stripe.syncSubscriptions", waiting: 0, active: 1, completed: 0, failed: 1, delayed: 0 },
    ];
    expect(await queueStatistics(t.db)).toEqual(expected);
    // The same once the runs are rolled up (read from the hourly rollups instead of the rows).
    await rollUpRuns(t.db, 0);
    expect(await queueStatistics(t.db)).toEqual(expected);
  });
});
