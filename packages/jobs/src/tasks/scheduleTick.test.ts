import { randomBytes } from "node:crypto";
import {
  claimOccurrences,
  createDb,
  type Database,
  findSchedule,
  findScheduleByName,
  insertSchedule,
  listScheduleOccurrences,
  runScheduleNow,
  updateSchedule,
} from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDueJobs, testContext } from "../testing.ts";
import { runScheduleTick } from "./scheduleTick.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

/** A schedule with a task id of its own, so its jobs can be counted apart from everything else. */
async function newSchedule(
  db: Database,
  input: { cron: string; policy?: "skip" | "once" | "all"; cap?: number; enabled?: boolean },
) {
  const name = `test.${randomBytes(4).toString("hex")}`;
  const id = await insertSchedule(db, {
    name,
    task: name,
    payload: { hello: "world" },
    cron: input.cron,
    timeZone: "UTC",
    missedPolicy: input.policy ?? "skip",
    catchUpCap: input.cap ?? 10,
    enabled: input.enabled ?? true,
  });
  return { id, task: name };
}

async function jobsOf(db: Database, task: string) {
  const { rows } = await sql<{ run_at: Date; payload: unknown }>`
    select j.run_at, j.payload from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = ${task} order by j.run_at, j.id`.execute(db);
  return rows;
}

async function setCursor(db: Database, id: string, next: Date) {
  await db.updateTable("schedules").set({ next_occurrence_at: next }).where("id", "=", id).execute();
}

describe("schedules.tick", () => {
  it("enqueues each occurrence exactly once when two ticks run at the same time on separate connections", async () => {
    const { id, task } = await newSchedule(t.db, { cron: "*/5 * * * *", policy: "all", cap: 10 });
    // Down for an hour: 12 missed occurrences and one on time.
    const now = new Date("2026-05-04T10:00:30Z");
    await setCursor(t.db, id, new Date("2026-05-04T09:00:00Z"));

    const a = createDb({ connectionString: t.url, maxConnections: 2 });
    const b = createDb({ connectionString: t.url, maxConnections: 2 });
    try {
      await Promise.all([a, b, a, b].map((db) => runScheduleTick(testContext(db), { now })));
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }

    const jobs = await jobsOf(t.db, task);
    expect(jobs).toHaveLength(11);
    expect(new Set(jobs.map((job) => job.run_at.toISOString())).size).toBe(11);
    expect(jobs[0]?.payload).toEqual({ hello: "world" });
    const ledger = await listScheduleOccurrences(t.db, id, 100);
    expect(ledger.filter((row) => row.status === "enqueued")).toHaveLength(11);
    expect(ledger.filter((row) => row.status === "skipped")).toHaveLength(2);
    expect(ledger.every((row) => (row.status === "enqueued") === (row.job_id !== null))).toBe(true);
    const schedule = await findSchedule(t.db, id);
    expect(schedule?.last_occurrence_at?.toISOString()).toBe("2026-05-04T10:00:00.000Z");
    expect(schedule?.next_occurrence_at?.toISOString()).toBe("2026-05-04T10:05:00.000Z");
  });

  it("lets only one of two concurrent claims of the same occurrences enqueue them", async () => {
    const { id, task } = await newSchedule(t.db, { cron: "0 * * * *" });
    const schedule = { id, task, payload: {} };
    const claims = ["2026-05-04T08:00:00Z", "2026-05-04T09:00:00Z"].map((at) => ({
      at: new Date(at),
      source: "schedule" as const,
      status: "enqueued" as const,
    }));
    const a = createDb({ connectionString: t.url, maxConnections: 1 });
    const b = createDb({ connectionString: t.url, maxConnections: 1 });
    try {
      const [first, second] = await Promise.all([
        claimOccurrences(a, schedule, claims),
        claimOccurrences(b, schedule, claims),
      ]);
      expect(first.length + second.length).toBe(2);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
    expect(await jobsOf(t.db, task)).toHaveLength(2);
  });

  it("enqueues nothing for a disabled schedule", async () => {
    const { id, task } = await newSchedule(t.db, { cron: "* * * * *", enabled: false });
    await setCursor(t.db, id, new Date("2026-05-04T09:00:00Z"));
    await runScheduleTick(testContext(t.db), { now: new Date("2026-05-04T10:00:10Z") });
    expect(await jobsOf(t.db, task)).toEqual([]);
    expect(await listScheduleOccurrences(t.db, id)).toEqual([]);
  });

  it("follows an edited cron expression on the next tick", async () => {
    const { id, task } = await newSchedule(t.db, { cron: "0 3 * * *" });
    const ctx = testContext(t.db);
    await runScheduleTick(ctx, { now: new Date("2026-05-04T10:00:10Z") });
    expect((await findSchedule(t.db, id))?.next_occurrence_at?.toISOString()).toBe(
      "2026-05-05T03:00:00.000Z",
    );

    await updateSchedule(
      t.db,
      id,
      { cron: "*/5 * * * *", timeZone: "UTC", missedPolicy: "skip", catchUpCap: 10 },
      new Date("2026-05-04T10:01:00Z"),
    );
    await runScheduleTick(ctx, { now: new Date("2026-05-04T10:05:03Z") });

    expect((await jobsOf(t.db, task)).map((job) => job.run_at.toISOString())).toEqual([
      "2026-05-04T10:05:00.000Z",
    ]);
    // The old expression's occurrences before the edit are not treated as missed.
    expect((await listScheduleOccurrences(t.db, id)).map((row) => row.status)).toEqual(["enqueued"]);
  });

  it("writes a manual ledger row and one job when run now", async () => {
    const { id, task } = await newSchedule(t.db, { cron: "0 3 * * *" });
    const before = Date.now();
    const run = await runScheduleNow(t.db, id);
    expect(run?.jobId).toMatch(/^\d+$/);
    expect(run!.occurrenceAt.getMilliseconds()).toBe(0);
    expect(Math.abs(run!.occurrenceAt.getTime() - before)).toBeLessThan(5_000);
    const ledger = await listScheduleOccurrences(t.db, id);
    expect(ledger).toMatchObject([{ source: "manual", status: "enqueued", job_id: run?.jobId }]);
    expect(await jobsOf(t.db, task)).toHaveLength(1);
    expect(await runScheduleNow(t.db, "00000000-0000-4000-8000-00000000dead")).toBeNull();
  });
});

describe("the sync.tick schedule", () => {
  it("is enqueued by a schedules.tick job and run by graphile-worker", async () => {
    const d = await createTestDatabase();
    try {
      // Other system schedules (seeded by later migrations) are not this test's business.
      await d.db.updateTable("schedules").set({ enabled: false }).where("name", "<>", "sync.tick").execute();
      await sql`select graphile_worker.add_job('schedules.tick', '{}'::json)`.execute(d.db);
      await runDueJobs(d.db, d.url);
      const schedule = await findScheduleByName(d.db, "sync.tick");
      const ledger = await listScheduleOccurrences(d.db, schedule!.id);
      expect(ledger).toMatchObject([{ source: "schedule", status: "enqueued" }]);
      // Both jobs ran to completion: nothing is left in the queue.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from graphile_worker._private_jobs`.execute(d.db);
      expect(rows[0]?.n).toBe(0);
      // The cursor moved past the occurrence it enqueued (comparing with now would flake on a
      // minute boundary: the next occurrence can already be due when the test looks).
      expect(schedule?.next_occurrence_at?.getTime()).toBeGreaterThan(ledger[0]!.occurrence_at.getTime());
    } finally {
      await d.drop();
    }
  });
});
