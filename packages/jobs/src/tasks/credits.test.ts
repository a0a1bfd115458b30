import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { grantPeriod, runCreditsExpire, runCreditsGrant } from "./credits.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await sql`truncate synchub.credit_ledger, synchub.credit_batches, synchub.credit_balances,
    synchub.subscriptions, synchub.runs, synchub.run_http_calls`.execute(t.db);
});

async function subscribe(userRef: string, monthlyCredits: number, status = "active") {
  await t.db
    .insertInto("subscriptions")
    .values({ user_ref: userRef, plan: "pro", monthly_credits: monthlyCredits, status: status as "active" })
    .execute();
}

async function balances() {
  const rows = await t.db
    .selectFrom("credit_balances")
    .select(["user_ref", "balance"])
    .orderBy("user_ref")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.user_ref, Number(row.balance)]));
}

describe("credits.grant", () => {
  it("gives each active subscription its credits once, and a second grant skips them all", async () => {
    await subscribe("u1", 100);
    await subscribe("u2", 250);
    await subscribe("u3", 999, "canceled");
    const now = new Date("2026-11-23T01:00:00Z");

    const first = await runCreditsGrant(t.db, { trigger: "schedule", now });
    expect(first).toMatchObject({
      success: true,
      date: "2026-11-23",
      results: { processed: 2, successful: 2, skipped: 0, failed: 0 },
    });
    expect(typeof first.jobId).toBe("string");
    expect(typeof first.duration).toBe("number");
    expect(await balances()).toEqual({ u1: 100, u2: 250 });

    const second = await runCreditsGrant(t.db, { trigger: "manual", now });
    expect(second.results).toEqual({ processed: 2, successful: 0, skipped: 2, failed: 0 });
    expect(await balances()).toEqual({ u1: 100, u2: 250 });

    const batches = await t.db.selectFrom("credit_batches").selectAll().orderBy("user_ref").execute();
    expect(batches.map((b) => [b.user_ref, b.amount, b.grant_period])).toEqual([
      ["u1", 100, "2026-11"],
      ["u2", 250, "2026-11"],
    ]);
    expect(batches[0]?.expires_at?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    const runs = await t.db.selectFrom("runs").selectAll().orderBy("id").execute();
    expect(runs.map((run) => [run.task, run.trigger, run.status])).toEqual([
      ["credits.grant", "schedule", "succeeded"],
      ["credits.grant", "manual", "succeeded"],
    ]);
    const ledger = await t.db.selectFrom("credit_ledger").selectAll().execute();
    expect(ledger).toHaveLength(2);
    expect(ledger.every((row) => row.reason === "grant" && row.run_id === runs[0]?.id)).toBe(true);
  });

  it("grants again in the next month", async () => {
    await subscribe("u1", 100);
    await runCreditsGrant(t.db, { trigger: "schedule", now: new Date("2026-11-30T01:00:00Z") });
    const december = await runCreditsGrant(t.db, {
      trigger: "schedule",
      now: new Date("2026-12-01T01:00:00Z"),
    });
    expect(december.results.successful).toBe(1);
    expect(await balances()).toEqual({ u1: 200 });
  });

  it("grants every user exactly once when many runs race", async () => {
    for (let i = 0; i < 50; i++) await subscribe(`user-${i}`, 10);
    const now = new Date("2026-11-23T01:00:00Z");
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runCreditsGrant(t.db, { trigger: "http", now })),
    );
    expect(runs.every((run) => run.success)).toBe(true);
    expect(runs.reduce((sum, run) => sum + run.results.successful, 0)).toBe(50);
    const { count } = await t.db
      .selectFrom("credit_batches")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(50);
    expect(Object.values(await balances()).every((balance) => balance === 10)).toBe(true);
  });
});

describe("credits.expire", () => {
  it("expires past-due batches and updates balances with the right totals", async () => {
    await subscribe("u1", 100);
    await subscribe("u2", 40);
    await runCreditsGrant(t.db, { trigger: "schedule", now: new Date("2026-10-15T01:00:00Z") });
    // u1 spent 30 of October's credits; u2 also bought credits that do not expire yet.
    await t.db.updateTable("credit_batches").set({ remaining: 70 }).where("user_ref", "=", "u1").execute();
    await t.db.updateTable("credit_balances").set({ balance: "70" }).where("user_ref", "=", "u1").execute();
    await t.db
      .insertInto("credit_batches")
      .values({
        user_ref: "u2",
        amount: 500,
        remaining: 500,
        source: "purchase",
        expires_at: new Date("2027-10-01T00:00:00Z"),
      })
      .execute();
    await t.db.updateTable("credit_balances").set({ balance: "540" }).where("user_ref", "=", "u2").execute();

    const expired = await runCreditsExpire(t.db, {
      trigger: "schedule",
      now: new Date("2026-11-01T04:00:00Z"),
    });
    expect(expired).toMatchObject({
      success: true,
      results: { processedBatches: 2, processedUsers: 2, totalExpiredAmount: 110 },
    });
    expect(await balances()).toEqual({ u1: 0, u2: 500 });
    const ledger = await t.db
      .selectFrom("credit_ledger")
      .select(["user_ref", "delta"])
      .where("reason", "=", "expire")
      .orderBy("user_ref")
      .execute();
    expect(ledger).toEqual([
      { user_ref: "u1", delta: -70 },
      { user_ref: "u2", delta: -40 },
    ]);

    const again = await runCreditsExpire(t.db, {
      trigger: "schedule",
      now: new Date("2026-11-02T04:00:00Z"),
    });
    expect(again.results).toEqual({ processedBatches: 0, processedUsers: 0, totalExpiredAmount: 0 });
    expect(await balances()).toEqual({ u1: 0, u2: 500 });
  });

  it("leaves batches that have not expired yet", async () => {
    await subscribe("u1", 100);
    await runCreditsGrant(t.db, { trigger: "schedule", now: new Date("2026-11-01T01:00:00Z") });
    const run = await runCreditsExpire(t.db, { trigger: "schedule", now: new Date("2026-11-30T23:59:00Z") });
    expect(run.results.processedBatches).toBe(0);
    expect(await balances()).toEqual({ u1: 100 });
  });
});

describe("grantPeriod", () => {
  it("names the UTC month and expires at the next month's start, across a year end", () => {
    expect(grantPeriod(new Date("2026-12-31T23:30:00Z"))).toEqual({
      period: "2026-12",
      expiresAt: new Date("2027-01-01T00:00:00Z"),
    });
  });
});
