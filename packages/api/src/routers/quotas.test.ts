import { randomBytes } from "node:crypto";
import { upsertQuotaAccount } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await sql`truncate synchub.quota_alerts, synchub.quota_accounts, synchub.audit_log`.execute(t.db);
  await upsertQuotaAccount(t.db, { userRef: "u1", planId: "free" });
  await upsertQuotaAccount(t.db, { userRef: "u2", planId: "free" });
});

function callerAs(role: "viewer" | "operator" | "admin") {
  const ctx: ApiContext = {
    db: t.db,
    secrets,
    user: { id: "00000000-0000-4000-8000-000000000000", username: role, role },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

function issuePaths(error: TRPCError): string[] {
  const cause = error.cause as { issues?: { path: PropertyKey[] }[] };
  return (cause.issues ?? []).map((issue) => issue.path.join("."));
}

describe("quotas API", () => {
  it("consumes and answers used, limit and remaining; over the limit is an answer, not an error", async () => {
    const operator = callerAs("operator");
    expect(await operator.quotas.consume({ userRef: "u1", metric: "uploads", amount: 8 })).toMatchObject({
      ok: true,
      used: 8,
      limit: 10,
      remaining: 2,
    });
    expect(await operator.quotas.consume({ userRef: "u1", metric: "uploads", amount: 3 })).toMatchObject({
      ok: false,
      reason: "over_limit",
      overLimit: ["uploads"],
      used: 8,
      limit: 10,
      remaining: 2,
    });
    const status = await callerAs("viewer").quotas.status({ userRef: "u1" });
    expect(status).toMatchObject({ planId: "free", alertLevel: "warning" });
  });

  it("consumes a batch all-or-nothing", async () => {
    const refused = await callerAs("operator").quotas.consumeBatch({
      userRef: "u1",
      items: [
        { metric: "uploads", amount: 1 },
        { metric: "aiRequests", amount: 101 },
      ],
    });
    expect(refused).toMatchObject({ ok: false, reason: "over_limit", overLimit: ["aiRequests"] });
    const status = await callerAs("viewer").quotas.status({ userRef: "u1" });
    expect(status.usage.map((u) => u.used)).toEqual([0, 0, 0]);
  });

  it("answers NOT_FOUND for an unknown user", async () => {
    const error = await trpcError(
      callerAs("operator").quotas.consume({ userRef: "ghost", metric: "uploads", amount: 1 }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect((await trpcError(callerAs("viewer").quotas.status({ userRef: "ghost" }))).code).toBe("NOT_FOUND");
    expect((await trpcError(callerAs("operator").quotas.reset({ userRef: "ghost" }))).code).toBe("NOT_FOUND");
  });

  it("rejects a negative amount naming amount, and an unknown metric naming metric, consuming nothing", async () => {
    const operator = callerAs("operator");
    const negative = await trpcError(
      operator.quotas.consume({ userRef: "u1", metric: "uploads", amount: -1 }),
    );
    expect(negative.code).toBe("BAD_REQUEST");
    expect(issuePaths(negative)).toEqual(["amount"]);
    const unknown = await trpcError(
      operator.quotas.consume({ userRef: "u1", metric: "bananas" as "uploads", amount: 1 }),
    );
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(issuePaths(unknown)).toEqual(["metric"]);
    const status = await callerAs("viewer").quotas.status({ userRef: "u1" });
    expect(status.usage.map((u) => u.used)).toEqual([0, 0, 0]);
  });

  it("lets only operators consume and reset", async () => {
    const viewer = callerAs("viewer");
    expect(
      (await trpcError(viewer.quotas.consume({ userRef: "u1", metric: "uploads", amount: 1 }))).code,
    ).toBe("FORBIDDEN");
    expect((await trpcError(viewer.quotas.reset({ userRef: "u1" }))).code).toBe("FORBIDDEN");
  });

  it("resets one user or everyone, and audits each reset", async () => {
    const operator = callerAs("operator");
    await operator.quotas.consume({ userRef: "u1", metric: "uploads", amount: 4 });
    await operator.quotas.consume({ userRef: "u2", metric: "aiRequests", amount: 5 });

    expect(await operator.quotas.reset({ userRef: "u1" })).toEqual({ reset: 1 });
    expect((await callerAs("viewer").quotas.status({ userRef: "u1" })).usage[0]?.used).toBe(0);
    expect((await callerAs("viewer").quotas.status({ userRef: "u2" })).usage[1]?.used).toBe(5);

    expect(await operator.quotas.reset({ all: true })).toEqual({ reset: 2 });
    expect((await callerAs("viewer").quotas.status({ userRef: "u2" })).usage[1]?.used).toBe(0);

    const audit = await t.db
      .selectFrom("audit_log")
      .select(["actor", "action", "object_id"])
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { actor: "operator", action: "quota.reset", object_id: "u1" },
      { actor: "operator", action: "quota.reset_all", object_id: "*" },
    ]);
  });

  it("refuses an empty reset instead of resetting every account, and changes nothing", async () => {
    const operator = callerAs("operator");
    await operator.quotas.consume({ userRef: "u1", metric: "uploads", amount: 4 });
    // @ts-expect-error: an API caller can send anything
    const error = await trpcError(operator.quotas.reset({}));
    expect(error.code).toBe("BAD_REQUEST");
    // @ts-expect-error: `all` must be literally true
    expect((await trpcError(operator.quotas.reset({ all: false }))).code).toBe("BAD_REQUEST");
    expect((await callerAs("viewer").quotas.status({ userRef: "u1" })).usage[0]?.used).toBe(4);
    expect(await t.db.selectFrom("audit_log").select("id").execute()).toEqual([]);
  });

  it("lists a user at 85 % of a limit as near the limit and leaves out one at 50 %", async () => {
    const operator = callerAs("operator");
    await operator.quotas.consume({ userRef: "u1", metric: "aiRequests", amount: 85 });
    await operator.quotas.consume({ userRef: "u2", metric: "aiRequests", amount: 50 });
    const near = await callerAs("viewer").quotas.nearLimit({});
    expect(near).toEqual([
      {
        userRef: "u1",
        planId: "free",
        planName: "Free",
        metric: "aiRequests",
        used: 85,
        limit: 100,
        percent: 85,
      },
    ]);
    expect(
      (await callerAs("viewer").quotas.nearLimit({ thresholdPercent: 50 })).map((r) => r.userRef),
    ).toEqual(["u1", "u2"]);
  });

  it("shows queue statistics to viewers", async () => {
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    await sql`select graphile_worker.add_job('quota.resetDaily', '{}'::json)`.execute(t.db);
    expect(await callerAs("viewer").quotas.queueStats()).toContainEqual({
      task: "quota.resetDaily",
      waiting: 1,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
  });
});
