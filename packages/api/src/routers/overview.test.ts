import { randomBytes } from "node:crypto";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));
const caller = () => callerFor(t.db, secrets);

let revoked: string;
let failing: string;
let neverSucceeded: string;
let deadLettered: string;
let healthy: string;

beforeAll(async () => {
  t = await createTestDatabase();
  [revoked, failing, neverSucceeded, deadLettered, healthy] = await Promise.all([
    insertTestConnection(t.db, { provider: "anthropic" }),
    insertTestConnection(t.db, { provider: "openai" }),
    insertTestConnection(t.db, { provider: "openai" }),
    insertTestConnection(t.db, { provider: "openai" }),
    insertTestConnection(t.db, { provider: "openai" }),
  ]);
  const synced = {
    sync_status: "ok" as const,
    last_synced_at: new Date(),
    next_sync_at: new Date(Date.now() + 3_600_000),
  };
  await t.db.updateTable("sync_targets").set(synced).where("id", "in", [healthy, deadLettered]).execute();
  // What three authentication failures in a row leave behind (runTarget's pause).
  await t.db
    .updateTable("sync_targets")
    .set({ status: "paused", auth_failures: 3, sync_status: "failed", sync_error: "401" })
    .where("id", "=", revoked)
    .execute();
  await t.db
    .updateTable("sync_targets")
    .set({ sync_status: "failed", sync_error: "502", last_synced_at: new Date(Date.now() - 7_200_000) })
    .where("id", "=", failing)
    .execute();
  // Created two intervals ago and never synced.
  await sql`update synchub.sync_targets set created_at = now() - 2 * interval_ms * interval '1 millisecond'
    where id = ${neverSucceeded}`.execute(t.db);
  await t.db
    .insertInto("dead_letters")
    .values({
      task: "sync.target",
      payload: "{}",
      target_id: deadLettered,
      error_class: "transient",
      error: "timeout",
      fingerprint: "0123456789abcdef",
      attempts: 5,
    })
    .execute();
});
afterAll(() => t.drop());

describe("the Overview's needs-attention list", () => {
  it("lists every target a person must look at, with why, and counts them in the summary", async () => {
    const page = await caller().overview.needsAttention();
    const reasons = Object.fromEntries(page.items.map((item) => [item.id, item.reasons]));
    expect(reasons).toEqual({
      [revoked]: ["paused_by_system"],
      [failing]: ["failing"],
      [neverSucceeded]: ["never_succeeded"],
      [deadLettered]: ["dead_letter"],
    });
    expect(page.nextCursor).toBeNull();
    expect(page.items.find((item) => item.id === revoked)).toMatchObject({ pool: "anthropic", name: "c" });
    const summary = await caller().overview.summary();
    expect(summary.needsAttention).toBe(4);
    // No worker has ever reported in here: as /health/sync says, that is Critical.
    expect(summary.workers).toMatchObject({ status: "Critical", alive: 0 });
    expect(summary.pools.find((pool) => pool.pool === "anthropic")).toMatchObject({ status: "Warning" });
  });

  it("pages to the last row without repeating one, even when rows share a timestamp", async () => {
    const extra = await Promise.all(Array.from({ length: 7 }, () => insertTestConnection(t.db)));
    await t.db
      .updateTable("sync_targets")
      .set({ sync_status: "failed", updated_at: new Date("2026-12-01T00:00:00Z") })
      .where("id", "in", extra)
      .execute();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof caller>["overview"]["needsAttention"]>> =
        await caller().overview.needsAttention({ limit: 3, cursor });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(11);
    expect(new Set(seen).size).toBe(11);
    expect(seen).toEqual(expect.arrayContaining([...extra, revoked, failing, neverSucceeded, deadLettered]));
  });

  it("refuses a page size of 0 or 10,000, and a cursor from another list, naming the field", async () => {
    await expect(caller().overview.needsAttention({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(caller().overview.needsAttention({ limit: 10_000 })).rejects.toThrow(/limit/);
    const runsPage = await caller().runs.list({ limit: 1 });
    const foreign = runsPage.nextCursor ?? secrets.seal('["x"]', "cursor:runs");
    const refused = await caller()
      .overview.needsAttention({ cursor: foreign })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("BAD_REQUEST");
    expect((refused as TRPCError).message).toMatch(/cursor/i);
  });
});

/** The field paths and messages of a BAD_REQUEST, as the server's 400 names them. */
async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  const cause = (error as TRPCError).cause as unknown as {
    issues: { path: PropertyKey[]; message: string }[];
  };
  return cause.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

describe("the Overview's window and recent failures", () => {
  it("counts the runs of the chosen window only, and refuses a window it does not know", async () => {
    await t.db
      .insertInto("runs")
      .values(
        [10, 60 * 3, 60 * 30, 60 * 24 * 3].map((minutesAgo) => ({
          task: "sync.target",
          kind: "llm.costs",
          target_id: healthy,
          trigger: "schedule" as const,
          status: "succeeded" as const,
          duration_ms: 500,
          started_at: new Date(Date.now() - minutesAgo * 60_000 - 500),
          finished_at: new Date(Date.now() - minutesAgo * 60_000),
        })),
      )
      .execute();
    const counts = async (range?: "1h" | "24h" | "7d" | "30d") => {
      const summary = await caller().overview.summary(range ? { range } : undefined);
      return { range: summary.range, succeeded: summary.runs.succeeded, hours: summary.hourly.length };
    };
    // "1h" is the current and the previous hour's buckets.
    expect(await counts("1h")).toMatchObject({ range: "1h", succeeded: 1 });
    expect(await counts()).toMatchObject({ range: "24h", succeeded: 2 });
    expect(await counts("7d")).toMatchObject({ range: "7d", succeeded: 4 });
    expect(await issuesOf(caller().overview.summary({ range: "1y" as "1h" }))).toEqual([
      { path: "range", message: "Pick one of: 1h, 24h, 7d, 30d" },
    ]);
  });

  it("lists the latest failed runs first with the target's name, task and error, as many as asked", async () => {
    const base = Date.now() - 60_000;
    await t.db
      .insertInto("runs")
      .values([
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: revoked,
          trigger: "schedule",
          status: "failed",
          error: "401 invalid key",
          started_at: new Date(base),
          finished_at: new Date(base + 1000),
        },
        {
          task: "credits.grant",
          trigger: "schedule",
          status: "failed",
          error: "database unavailable",
          started_at: new Date(base + 2000),
          finished_at: new Date(base + 3000),
        },
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: healthy,
          trigger: "schedule",
          status: "succeeded",
          started_at: new Date(base + 4000),
        },
      ])
      .execute();
    const latest = await caller().overview.recentFailures({ limit: 2 });
    expect(
      latest.map(({ task, targetId, targetName, error }) => ({ task, targetId, targetName, error })),
    ).toEqual([
      { task: "credits.grant", targetId: null, targetName: null, error: "database unavailable" },
      { task: "sync.target", targetId: revoked, targetName: "c", error: "401 invalid key" },
    ]);
    expect(latest[0]!.finishedAt).toEqual(new Date(base + 3000));
    expect(await issuesOf(caller().overview.recentFailures({ limit: 51 }))).toEqual([
      { path: "limit", message: "Use at most 50" },
    ]);
  });
});
