import { randomBytes } from "node:crypto";
import { finishJobRun, grantMonthlyCredits, startJobRun } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db
    .insertInto("subscriptions")
    .values([
      { user_ref: "alice", plan: "pro", monthly_credits: 500 },
      { user_ref: "bob", plan: "starter", monthly_credits: 100 },
      { user_ref: "bob", plan: "addon", monthly_credits: 50 },
      { user_ref: "carol", plan: "pro", monthly_credits: 500, status: "canceled" },
    ])
    .execute();
  // Two grant runs for one period: the second finds everyone granted already.
  for (const trigger of ["schedule", "http"] as const) {
    const runId = await startJobRun(t.db, "credits.grant", trigger);
    const counts = await grantMonthlyCredits(t.db, {
      period: "2026-11",
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      runId: runId,
    });
    await finishJobRun(t.db, runId, { status: "succeeded", results: { ...counts, failed: 0 } });
  }
});
afterAll(() => t.drop());

function caller(user: ApiContext["user"]) {
  return appRouter.createCaller({
    db: t.db,
    secrets,
    user,
    session: { token: null, set() {}, clear() {} },
  });
}
const viewer = () => caller({ id: "00000000-0000-4000-8000-000000000000", username: "v", role: "viewer" });

describe("credits API", () => {
  it("lists grant runs newest first with their trigger and S4 counts", async () => {
    const runs = await viewer().credits.runs();
    expect(runs.map((run) => [run.task, run.trigger, run.status, run.results])).toEqual([
      ["credits.grant", "http", "succeeded", { processed: 2, successful: 0, skipped: 2, failed: 0 }],
      ["credits.grant", "schedule", "succeeded", { processed: 2, successful: 2, skipped: 0, failed: 0 }],
    ]);
    expect(runs[0]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(await viewer().credits.runs({ task: "credits.expire" })).toEqual([]);
  });

  it("ranks balances highest first with each user's active plans and the totals", async () => {
    const balances = await viewer().credits.balances();
    expect(balances.top.map((row) => [row.user_ref, row.balance, row.plans])).toEqual([
      ["alice", 500, ["pro"]],
      ["bob", 150, ["addon", "starter"]],
    ]);
    expect(balances).toMatchObject({ users: 2, totalBalance: 650, granted30d: 650, expired30d: 0 });
  });

  it("asks an anonymous caller to log in", async () => {
    const error = await caller(null)
      .credits.balances()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
  });
});
