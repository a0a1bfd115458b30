import { getQuotaStatus, upsertQuotaAccount } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { applyStripeConfiguration, STRIPE_ACCOUNT_TARGET_ID } from "../kinds/stripeSubscriptions.ts";
import { runDueJobs } from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await sql`truncate synchub.quota_alerts, synchub.quota_accounts, synchub.runs cascade`.execute(t.db);
  await sql`delete from graphile_worker._private_jobs`.execute(t.db);
});

const stripeBaseUrl = `${inject("sandboxUrl")}/stripe`;

/** What the sandbox says about every subscription of a key, read straight from its API. */
async function sandboxSubscriptions(key: string) {
  const all: { id: string; status: string; metadata: { user_ref: string } }[] = [];
  let after: string | undefined;
  for (;;) {
    const url = new URL(`${stripeBaseUrl}/v1/subscriptions?limit=100&status=all`);
    if (after) url.searchParams.set("starting_after", after);
    const page = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: typeof all;
      has_more: boolean;
    };
    all.push(...page.data);
    if (!page.has_more) return all;
    after = page.data.at(-1)?.id;
  }
}

/** "Sync now" on the Stripe account's target, run by a worker started with `secretKey` (or none). */
async function syncStripe(secretKey: string | undefined) {
  await applyStripeConfiguration(t.db, secretKey !== undefined);
  await sql`select synchub.request_target_sync(${STRIPE_ACCOUNT_TARGET_ID}::uuid, 'manual')`.execute(t.db);
  await runDueJobs(t.db, t.url, {}, secretKey ? { secretKey, baseUrl: stripeBaseUrl } : undefined);
  return t.db
    .selectFrom("runs")
    .select(["task", "kind", "status", "rows_fetched", "rows_updated", "error_class", "notice"])
    .where("target_id", "=", STRIPE_ACCOUNT_TARGET_ID)
    .orderBy("id")
    .execute();
}

describe("the stripe.subscriptions kind", () => {
  it("pages through every subscription and copies each status onto its user's quota account", async () => {
    const key = "sk_test_quota_sync_1";
    const expected = await sandboxSubscriptions(key);
    expect(expected.length).toBeGreaterThan(100);
    const last = expected.at(-1)!;
    for (const userRef of ["user_0001", "user_0050", last.metadata.user_ref, "user_9999"]) {
      await upsertQuotaAccount(t.db, { userRef, planId: "pro" });
    }

    const runs = await syncStripe(key);
    expect(runs).toEqual([
      {
        task: "sync.target",
        kind: "stripe.subscriptions",
        status: "succeeded",
        rows_fetched: expected.length,
        rows_updated: 3,
        error_class: null,
        notice: null,
      },
    ]);
    for (const sub of [expected[0]!, expected[49]!, last]) {
      const status = await getQuotaStatus(t.db, sub.metadata.user_ref);
      expect(status?.subscription).toMatchObject({ id: sub.id, rawStatus: sub.status });
      expect(status?.subscription.currentPeriodEnd).toBeInstanceOf(Date);
      expect(status?.subscription.syncedAt).toBeInstanceOf(Date);
    }
    expect((await getQuotaStatus(t.db, "user_9999"))?.subscription.status).toBeNull();
  });

  it("stores a status Stripe added later as unknown with the raw value, and the period end from the items", async () => {
    const key = "sk_test_quota_sync_2";
    const current = (await (
      await fetch(`${stripeBaseUrl}/v1/subscriptions?limit=20&status=all`, {
        headers: { authorization: `Bearer ${key}`, "stripe-version": "2025-03-31.basil" },
      })
    ).json()) as {
      data: { id: string; status: string; items: { data: { current_period_end: number }[] } }[];
    };
    // user_0013 is in a status outside the eight; user_0001 is an ordinary one.
    const future = current.data[12]!;
    const ordinary = current.data[0]!;
    expect(future.status).toBe("pending_activation");
    for (const userRef of ["user_0001", "user_0013"])
      await upsertQuotaAccount(t.db, { userRef, planId: "pro" });

    const runs = await syncStripe(key);
    expect(runs.map((run) => [run.status, run.rows_updated])).toEqual([["succeeded", 2]]);

    const periodEnd = (sub: typeof future) =>
      new Date(Math.min(...sub.items.data.map((item) => item.current_period_end)) * 1000);
    expect((await getQuotaStatus(t.db, "user_0013"))?.subscription).toMatchObject({
      id: future.id,
      status: "unknown",
      rawStatus: "pending_activation",
      currentPeriodEnd: periodEnd(future),
    });
    expect((await getQuotaStatus(t.db, "user_0001"))?.subscription).toMatchObject({
      id: ordinary.id,
      status: ordinary.status,
      rawStatus: ordinary.status,
      currentPeriodEnd: periodEnd(ordinary),
    });
  });

  it("records a permanent failure, dead-letters it and changes nothing when Stripe rejects the key", async () => {
    await upsertQuotaAccount(t.db, { userRef: "user_0001", planId: "pro" });
    const runs = await syncStripe("sk_test_revoked_key");
    expect(runs.map((run) => [run.status, run.error_class])).toEqual([["failed", "permanent"]]);
    expect((await getQuotaStatus(t.db, "user_0001"))?.subscription.status).toBeNull();
    const [letter] = await t.db
      .selectFrom("dead_letters")
      .select(["task", "error"])
      .where("target_id", "=", STRIPE_ACCOUNT_TARGET_ID)
      .execute();
    expect(letter?.task).toBe("sync.target");
    expect(letter?.error).toMatch(/Stripe rejected the secret key/);
    expect(letter?.error).not.toContain("sk_test_revoked_key");
  });

  it("is paused, saying why, where no worker has a Stripe key, and resumed by one that has", async () => {
    expect(await syncStripe(undefined)).toEqual([]);
    const target = () =>
      t.db
        .selectFrom("sync_targets")
        .select(["status", "paused_reason"])
        .where("id", "=", STRIPE_ACCOUNT_TARGET_ID)
        .executeTakeFirstOrThrow();
    expect(await target()).toEqual({ status: "paused", paused_reason: "STRIPE_SECRET_KEY is not set" });
    await applyStripeConfiguration(t.db, true);
    expect(await target()).toEqual({ status: "active", paused_reason: null });
  });
});

describe("quota reset jobs", () => {
  it("quota.resetDaily and quota.resetMonthly run from the queue and clear their own counters", async () => {
    await upsertQuotaAccount(t.db, { userRef: "u1", planId: "pro" });
    await sql`update synchub.quota_accounts set uploads_used_today = 5, ai_requests_used_month = 7,
      day_started = '2026-10-30', month_started = '2026-10-01'`.execute(t.db);

    await sql`select graphile_worker.add_job('quota.resetDaily', '{"now":"2026-10-31T00:05:00Z"}'::json)`.execute(
      t.db,
    );
    await runDueJobs(t.db, t.url);
    let usage = (await getQuotaStatus(t.db, "u1"))!.usage;
    expect(usage.map((u) => u.used)).toEqual([0, 7, 0]);

    await sql`select graphile_worker.add_job('quota.resetMonthly', '{"now":"2026-11-01T00:10:00Z"}'::json)`.execute(
      t.db,
    );
    await runDueJobs(t.db, t.url);
    usage = (await getQuotaStatus(t.db, "u1"))!.usage;
    expect(usage.map((u) => u.used)).toEqual([0, 0, 0]);
    const runs = await t.db.selectFrom("runs").select(["task", "status"]).orderBy("id").execute();
    expect(runs).toEqual([
      { task: "quota.resetDaily", status: "succeeded" },
      { task: "quota.resetMonthly", status: "succeeded" },
    ]);
  });
});
