import { randomBytes } from "node:crypto";
import { RUN_TRIGGERS, recordRunHttpCalls, rollUpRuns } from "@synchub/db";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "../paging.ts";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
let first: string;
let second: string;

beforeAll(async () => {
  t = await createTestDatabase();
  first = await insertTestConnection(t.db, { status: "paused" });
  second = await insertTestConnection(t.db, { status: "paused" });
  const at = "2025-05-05T05:05:05Z";
  const sync = (targetId: string, status: "succeeded" | "failed") =>
    ({
      task: "sync.target",
      kind: "llm.costs",
      target_id: targetId,
      trigger: "schedule",
      status,
      started_at: at,
    }) as const;
  await t.db
    .insertInto("runs")
    .values([
      ...Array.from({ length: 5 }, () => sync(first, "succeeded")),
      ...Array.from({ length: 3 }, () => sync(first, "failed")),
      ...Array.from({ length: 4 }, () => sync(second, "failed")),
      ...Array.from({ length: 3 }, () => ({
        task: "credits.grant",
        trigger: "schedule" as const,
        started_at: at,
      })),
      ...Array.from({ length: 6 }, (_, i) => ({
        task: i % 2 ? "sync.tick" : "schedules.tick",
        trigger: "schedule" as const,
        status: "succeeded" as const,
        started_at: at,
      })),
    ])
    .execute();
});
afterAll(() => t.drop());

const secrets = createSecretBox(randomBytes(32).toString("base64"));
const caller = () => callerFor(t.db, secrets);

type RunFilter = Omit<
  NonNullable<Parameters<ReturnType<typeof caller>["runs"]["list"]>[0]>,
  "cursor" | "limit"
>;
type Run = Awaited<ReturnType<ReturnType<typeof caller>["runs"]["list"]>>["items"][number];

/** Every run a filter selects, two a page; none twice. */
async function everyRun(filter: RunFilter): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Run> = await caller().runs.list({ ...filter, cursor, limit: 2 });
    runs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(runs.map((run) => run.id)).size).toBe(runs.length);
  return runs;
}

describe("runs.list", () => {
  it("pages each scope to its last run: syncs and jobs by default, ticks apart", async () => {
    const work = await everyRun({});
    expect(work).toHaveLength(15);
    expect(work.some((run) => run.task.endsWith(".tick"))).toBe(false);
    expect((await everyRun({ scope: "syncs" })).every((run) => run.task === "sync.target")).toBe(true);
    expect(await everyRun({ scope: "syncs" })).toHaveLength(12);
    expect((await everyRun({ scope: "jobs" })).map((run) => run.task)).toEqual(
      Array(3).fill("credits.grant"),
    );
    expect(await everyRun({ scope: "ticks" })).toHaveLength(6);
    expect(await everyRun({ scope: "all" })).toHaveLength(21);
  });

  it("pages one status's runs, and one connection's, to the last", async () => {
    const failed = await everyRun({ status: "failed" });
    expect(failed).toHaveLength(7);
    expect(failed.every((run) => run.status === "failed")).toBe(true);

    const firstOnes = await everyRun({ connectionId: first });
    expect(firstOnes).toHaveLength(8);
    expect(firstOnes.every((run) => run.connection_id === first && run.connection_name === "c")).toBe(true);

    const both = await everyRun({ connectionId: second, status: "failed" });
    expect(both.map((run) => run.connection_id)).toEqual(Array(4).fill(second));
  });
});

/** The field paths a validation error names. */
async function invalidFields(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  const cause = (error as TRPCError).cause as { issues?: { path: PropertyKey[] }[] };
  return (cause.issues ?? []).map((issue) => issue.path.join("."));
}

describe("runs.list's kind, task, trigger and date filters", () => {
  beforeAll(async () => {
    // Runs of a kind whose target was deleted since: the history keeps their kind.
    await t.db
      .insertInto("runs")
      .values([
        ...["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"].map((at) => ({
          task: "sync.target",
          kind: "stripe.subscriptions",
          trigger: "manual" as const,
          status: "succeeded" as const,
          started_at: at,
        })),
        {
          task: "quotas.resetDaily",
          trigger: "replay" as const,
          status: "failed" as const,
          started_at: "2026-01-02T12:00:00Z",
        },
      ])
      .execute();
  });

  it("pages one kind's, one task's and one trigger's runs", async () => {
    expect(await everyRun({ kind: "stripe.subscriptions" })).toHaveLength(3);
    expect((await everyRun({ kind: "llm.costs" })).every((run) => run.kind === "llm.costs")).toBe(true);
    expect(await everyRun({ kind: "llm.costs" })).toHaveLength(12);
    expect((await everyRun({ task: "quotas.resetDaily" })).map((run) => run.trigger)).toEqual(["replay"]);
    expect((await everyRun({ trigger: "manual" })).map((run) => run.kind)).toEqual(
      Array(3).fill("stripe.subscriptions"),
    );
    expect(await everyRun({ trigger: "manual", kind: "llm.costs" })).toEqual([]);
  });

  it("keeps the runs started from `from` (inclusive) to `to` (exclusive), ISO strings accepted", async () => {
    const inRange = await everyRun({ from: "2026-01-02T10:00:00Z", to: "2026-01-03T10:00:00Z" } as never);
    expect(inRange.map((run) => run.started_at.toISOString()).sort()).toEqual([
      "2026-01-02T10:00:00.000Z",
      "2026-01-02T12:00:00.000Z",
    ]);
    const since = await everyRun({ from: new Date("2026-01-02T11:00:00Z") });
    expect(since.map((run) => run.started_at.toISOString()).sort()).toEqual([
      "2026-01-02T12:00:00.000Z",
      "2026-01-03T10:00:00.000Z",
    ]);
  });

  it("refuses a range that ends before it starts, an unknown trigger and a task name too long, naming the field", async () => {
    expect(
      await invalidFields(
        caller().runs.list({ from: new Date("2026-02-01T00:00:00Z"), to: new Date("2026-01-01T00:00:00Z") }),
      ),
    ).toEqual(["to"]);
    expect(await invalidFields(caller().runs.list({ trigger: "cron" as never }))).toEqual(["trigger"]);
    expect(await invalidFields(caller().runs.list({ task: "x".repeat(201) }))).toEqual(["task"]);
    expect(await invalidFields(caller().runs.list({ from: "not a date" as never }))).toEqual(["from"]);
  });

  it("offers the triggers of the run_trigger domain, and the tasks and kinds that ran", async () => {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_constraintdef(c.oid) as definition from pg_constraint c
      join pg_type ty on ty.oid = c.contypid where ty.typname = 'run_trigger'`.execute(t.db);
    const domain = [...(rows[0]?.definition.matchAll(/'([a-z]+)'/g) ?? [])].map((m) => m[1]).sort();
    expect([...RUN_TRIGGERS].sort()).toEqual(domain);

    await t.db
      .updateTable("runs")
      .set({ finished_at: sql`started_at` })
      .where("status", "!=", "running")
      .execute();
    await rollUpRuns(t.db);
    const options = await caller().runs.filterOptions();
    expect(options.triggers).toEqual([...RUN_TRIGGERS]);
    expect(options.kinds).toEqual(expect.arrayContaining(["llm.costs", "stripe.subscriptions"]));
    expect(options.tasks).toEqual(
      expect.arrayContaining(["credits.grant", "quotas.resetDaily", "schedules.tick", "sync.target"]),
    );
    expect(options.kinds).not.toContain("");
  });
});

describe("runs.httpCalls", () => {
  it("lists a run's calls in the order they started, with how many were not kept", async () => {
    const run = await t.db
      .insertInto("runs")
      .values({ task: "sync.target", trigger: "schedule", started_at: "2026-03-01T00:00:00Z" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const base = Date.parse("2026-03-01T00:00:01Z");
    const calls = Array.from({ length: 130 }, (_, i) => ({
      method: "GET",
      host: "api.example.com",
      path: "/v1/costs?page=…",
      status: i === 0 ? null : 200,
      durationMs: 12,
      attempt: i === 1 ? 2 : 1,
      error: i === 0 ? "timeout: did not answer" : null,
      // Reported out of order: the list is ordered by when each call started.
      startedAt: new Date(base + (i === 0 ? 0 : 1000 + i)),
    }));
    await recordRunHttpCalls(t.db, run.id, [calls[5]!, ...calls.filter((_, i) => i !== 5)], 3);

    const listed = await caller().runs.httpCalls({ runId: run.id });
    expect(listed.items).toHaveLength(100);
    expect(listed.dropped).toBe(33);
    expect(listed.items[0]).toEqual({
      method: "GET",
      host: "api.example.com",
      path: "/v1/costs?page=…",
      status: null,
      durationMs: 12,
      attempt: 1,
      error: "timeout: did not answer",
      startedAt: new Date(base),
    });
    const times = listed.items.map((call) => call.startedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const quiet = await t.db
      .insertInto("runs")
      .values({ task: "credits.grant", trigger: "schedule" })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await caller().runs.httpCalls({ runId: quiet.id })).toEqual({ items: [], dropped: 0 });
  });

  it("answers 404 for an unknown run and 400 naming runId for a malformed one", async () => {
    await expect(caller().runs.httpCalls({ runId: "999999999" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await invalidFields(caller().runs.httpCalls({ runId: "12a" }))).toEqual(["runId"]);
  });

  it("deletes a run's calls with the run when history is pruned", async () => {
    const old = await t.db
      .insertInto("runs")
      .values({
        task: "sync.target",
        trigger: "schedule",
        status: "succeeded",
        started_at: sql`now() - interval '90 days'`,
        finished_at: sql`now() - interval '90 days'`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordRunHttpCalls(t.db, old.id, [
      {
        method: "GET",
        host: "h",
        path: "/",
        status: 200,
        durationMs: 1,
        attempt: 1,
        error: null,
        startedAt: new Date(),
      },
    ]);
    const { pruneHistory } = await import("@synchub/db");
    await pruneHistory(t.db);
    const left = await t.db.selectFrom("run_http_calls").select("seq").where("run_id", "=", old.id).execute();
    expect(left).toEqual([]);
  });
});
