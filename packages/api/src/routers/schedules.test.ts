import { randomBytes } from "node:crypto";
import { findScheduleByName } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
let id: string;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  id = (await findScheduleByName(t.db, "sync.tick"))!.id;
});
afterAll(() => t.drop());

function callerAs(role: "viewer" | "operator" | "admin") {
  const ctx: ApiContext = {
    db: t.db,
    secrets,
    user: { id: "00000000-0000-4000-8000-000000000000", username: role, role },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

/** The field paths and messages a BAD_REQUEST names, as the errorFormatter sends them. */
async function badRequestIssues(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  const cause = (error as TRPCError).cause as { issues?: { path: PropertyKey[]; message: string }[] };
  return (cause.issues ?? []).map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

const valid = {
  cron: "*/2 * * * *",
  timeZone: "Europe/Berlin",
  missedPolicy: "once",
  catchUpCap: 5,
} as const;

describe("schedules API", () => {
  it("rejects an invalid cron naming the cron field, and leaves the schedule unchanged", async () => {
    const before = await callerAs("viewer").schedules.byId({ id });
    const issues = await badRequestIssues(
      callerAs("admin").schedules.update({ id, ...valid, cron: "61 * * * *" }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(["cron"]);
    const after = await callerAs("viewer").schedules.byId({ id });
    expect(after).toMatchObject({ cron: "* * * * *", time_zone: "UTC", missed_policy: "skip" });
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it("rejects an unknown time zone naming the timeZone field, and leaves the schedule unchanged", async () => {
    const issues = await badRequestIssues(
      callerAs("admin").schedules.update({ id, ...valid, timeZone: "Mars/Olympus" }),
    );
    expect(issues).toEqual([{ path: "timeZone", message: expect.stringContaining("Mars/Olympus") }]);
    expect(await callerAs("viewer").schedules.byId({ id })).toMatchObject({ time_zone: "UTC" });
  });

  it("refuses an update from a viewer", async () => {
    await expect(callerAs("viewer").schedules.update({ id, ...valid })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(callerAs("viewer").schedules.runNow({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await callerAs("viewer").schedules.byId({ id })).toMatchObject({ cron: "* * * * *" });
  });

  it("previews the next runs, and names the field of an invalid expression", async () => {
    const before = Date.now();
    const { nextRuns } = await callerAs("viewer").schedules.preview({
      cron: "0 9 * * *",
      timeZone: "Europe/Berlin",
      count: 3,
    });
    expect(nextRuns).toHaveLength(3);
    expect(nextRuns[0]!.getTime()).toBeGreaterThan(before);
    const issues = await badRequestIssues(
      callerAs("viewer").schedules.preview({ cron: "0 9 * *", timeZone: "Nowhere/City" }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(["cron", "timeZone"]);
  });

  it("saves a valid edit with its next run, and pauses, resumes and runs now", async () => {
    const before = Date.now();
    const updated = await callerAs("admin").schedules.update({ id, ...valid });
    expect(updated).toMatchObject({ cron: "*/2 * * * *", time_zone: "Europe/Berlin", missed_policy: "once" });
    expect(updated.next_occurrence_at!.getTime()).toBeGreaterThan(before);

    const paused = await callerAs("operator").schedules.pause({ id });
    expect(paused).toMatchObject({ enabled: false, next_occurrence_at: null });
    const resumed = await callerAs("operator").schedules.resume({ id });
    expect(resumed.enabled).toBe(true);

    const run = await callerAs("operator").schedules.runNow({ id });
    expect(run.enqueued).toBe(true);
    const detail = await callerAs("viewer").schedules.byId({ id });
    expect(detail.ledger).toMatchObject([{ source: "manual", status: "enqueued", job_id: run.jobId }]);
    expect(detail.nextRuns).toHaveLength(5);
    expect(detail.last_run_at).toEqual(run.occurrenceAt);
  });

  it("answers NOT_FOUND for an unknown schedule", async () => {
    const unknown = "00000000-0000-4000-8000-00000000beef";
    await expect(callerAs("viewer").schedules.byId({ id: unknown })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerAs("operator").schedules.runNow({ id: unknown })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("the schedule ledger", () => {
  it("shows each enqueued occurrence's run outcome, and none for a skipped one", async () => {
    const { rows } = await sql<{ id: string }>`
      insert into synchub.schedules (name, task, cron, time_zone)
      values ('ledger.test', 'credits.grant', '0 * * * *', 'UTC') returning id`.execute(t.db);
    const scheduleId = rows[0]!.id;
    await sql`insert into synchub.schedule_occurrences (schedule_id, occurrence_at, source, status, job_id)
      values (${scheduleId}::uuid, now() - interval '3 hours', 'schedule', 'enqueued', '9001'),
             (${scheduleId}::uuid, now() - interval '2 hours', 'schedule', 'skipped', null),
             (${scheduleId}::uuid, now() - interval '1 hour', 'schedule', 'enqueued', null)`.execute(t.db);
    await t.db
      .insertInto("runs")
      .values([
        // The first occurrence's job, by its id; then a run of another job an hour later.
        {
          task: "credits.grant",
          trigger: "schedule",
          job_id: "9001",
          status: "failed",
          error: "database unavailable",
          duration_ms: 1200,
          started_at: sql<Date>`now() - interval '3 hours' + interval '1 second'`,
        },
        // A business task's run records no job id: the latest scheduled run in the window is its.
        {
          task: "credits.grant",
          trigger: "schedule",
          status: "succeeded",
          duration_ms: 800,
          started_at: sql<Date>`now() - interval '1 hour' + interval '2 seconds'`,
        },
        // Started by HTTP, not by the schedule: never shown as the occurrence's run.
        {
          task: "credits.grant",
          trigger: "http",
          status: "failed",
          error: "not this one",
          started_at: sql<Date>`now() - interval '1 hour' + interval '5 seconds'`,
        },
      ])
      .execute();
    const { ledger } = await callerFor(t.db, secrets).schedules.byId({ id: scheduleId });
    expect(ledger.map((entry) => [entry.status, entry.run])).toEqual([
      ["enqueued", { id: expect.any(String), status: "succeeded", durationMs: 800, error: null }],
      ["skipped", null],
      [
        "enqueued",
        { id: expect.any(String), status: "failed", durationMs: 1200, error: "database unavailable" },
      ],
    ]);
  });

  it("names every problem of a cron expression in one answer", async () => {
    const issues = await badRequestIssues(
      callerAs("admin").schedules.update({ id, ...valid, cron: "61 25 * * *", catchUpCap: 0 }),
    );
    expect(issues).toEqual([
      { path: "cron", message: 'The minute field "61": 61 is outside 0–59' },
      { path: "cron", message: 'The hour field "25": 25 is outside 0–23' },
      { path: "catchUpCap", message: "Use 1 or more" },
    ]);
  });
});
