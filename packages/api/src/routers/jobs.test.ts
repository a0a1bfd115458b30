import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "../paging.ts";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));
const viewer = () => callerFor(t.db, secrets, "viewer");
const operator = () => callerFor(t.db, secrets, "operator");

afterAll(() => t?.drop());

/** A job of `task`, in the state asked for; answers its id. */
async function addJob(
  task: string,
  state: "waiting" | "delayed" | "locked" | "failed",
  options: { lockedBy?: string; lockedAgo?: string; error?: string } = {},
): Promise<string> {
  const runAt = state === "delayed" ? sql`now() + interval '1 hour'` : sql`now() - interval '1 minute'`;
  const { rows } = await sql<{ id: string }>`
    select id::text from graphile_worker.add_job(${task}, '{}'::json, run_at => ${runAt}, max_attempts => 3)`.execute(
    t.db,
  );
  const id = rows[0]!.id;
  if (state === "failed") {
    await sql`select graphile_worker.permanently_fail_jobs(array[${id}::bigint], ${options.error ?? "boom"})`.execute(
      t.db,
    );
  }
  if (state === "locked") {
    // What a worker does when it takes the job (no admin function locks one).
    await sql`update graphile_worker._private_jobs
      set locked_at = now() - ${options.lockedAgo ?? "1 second"}::interval, locked_by = ${options.lockedBy ?? "worker-a"}
      where id = ${id}::bigint`.execute(t.db);
  }
  return id;
}

async function jobState(id: string) {
  const { rows } = await sql<{ attempts: number; run_in_s: number }>`
    select attempts, extract(epoch from run_at - now())::float8 as run_in_s
    from graphile_worker.jobs where id = ${id}::bigint`.execute(t.db);
  return rows[0] ?? null;
}

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

beforeEach(async () => {
  t ??= await createTestDatabase();
  await sql`delete from graphile_worker._private_jobs`.execute(t.db);
});

type Job = Awaited<ReturnType<ReturnType<typeof viewer>["jobs"]["list"]>>["items"][number];

async function everyJob(filter: { task?: string; state?: Job["state"] } = {}): Promise<Job[]> {
  const jobs: Job[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Job> = await viewer().jobs.list({ ...filter, cursor, limit: 2 });
    jobs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return jobs;
}

describe("jobs.summary and jobs.list", () => {
  it("counts each task's jobs by state, a lock older than 4 hours not counting as held", async () => {
    await addJob("credits.grant", "waiting");
    await addJob("credits.grant", "waiting");
    await addJob("credits.grant", "delayed");
    await addJob("credits.grant", "failed");
    await addJob("sync.target", "locked");
    // graphile-worker treats such a lock as abandoned: the job is up for grabs again.
    await addJob("sync.target", "locked", { lockedAgo: "5 hours" });

    expect(await viewer().jobs.summary()).toEqual([
      { task: "credits.grant", waiting: 2, delayed: 1, locked: 0, failed: 1 },
      { task: "sync.target", waiting: 1, delayed: 0, locked: 1, failed: 0 },
    ]);
  });

  it("pages the queue the next to run first, by task and by state, with the failure cut to 2,000 characters", async () => {
    const failed = await addJob("credits.grant", "failed", { error: "x".repeat(5000) });
    const delayed = await addJob("credits.grant", "delayed");
    const waiting = [await addJob("quota.resetDaily", "waiting"), await addJob("credits.grant", "waiting")];
    const locked = await addJob("sync.target", "locked", { lockedBy: "worker-b" });

    const all = await everyJob();
    expect(all.map((job) => job.id)).toHaveLength(5);
    expect(all.at(-1)?.id).toBe(delayed);
    const times = all.map((job) => job.runAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));

    expect((await everyJob({ state: "waiting" })).map((job) => job.id).sort()).toEqual([...waiting].sort());
    expect((await everyJob({ task: "credits.grant" })).map((job) => job.state).sort()).toEqual([
      "delayed",
      "failed",
      "waiting",
    ]);
    const [failedJob] = await everyJob({ state: "failed" });
    expect(failedJob).toMatchObject({ id: failed, task: "credits.grant", attempts: 3, maxAttempts: 3 });
    expect(failedJob?.lastError).toHaveLength(2000);
    const [lockedJob] = await everyJob({ state: "locked" });
    expect(lockedJob).toMatchObject({
      id: locked,
      lockedBy: "worker-b",
      queue: null,
      key: null,
      priority: 0,
    });
    expect(lockedJob?.lockedAt).toBeInstanceOf(Date);
  });

  it("refuses an unknown state and a cursor that is not one, naming the field", async () => {
    expect(await invalidFields(viewer().jobs.list({ state: "done" as never }))).toEqual(["state"]);
    expect(await invalidFields(viewer().jobs.list({ cursor: "not-a-cursor" }))).toEqual(["cursor"]);
  });
});

describe("jobs.runNow, jobs.reschedule and jobs.remove", () => {
  it("runs a failed job now with its attempts back and a delayed one now with its own, skipping a locked one", async () => {
    const failed = await addJob("credits.grant", "failed");
    const delayed = await addJob("credits.grant", "delayed");
    const locked = await addJob("sync.target", "locked");

    const answer = await operator().jobs.runNow({ ids: [failed, delayed, locked] });
    expect(answer).toEqual({
      changed: 2,
      skipped: 1,
      message:
        "2 jobs set to run now; 1 job skipped (running now, locked by a worker, or no longer in the queue)",
    });
    expect((await jobState(failed))?.attempts).toBe(0);
    expect((await jobState(failed))?.run_in_s).toBeLessThanOrEqual(0);
    expect((await jobState(delayed))?.run_in_s).toBeLessThanOrEqual(0);
    expect((await viewer().jobs.summary()).find((row) => row.task === "credits.grant")).toMatchObject({
      waiting: 2,
      failed: 0,
      delayed: 0,
    });

    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "job.run_now")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor: "operator-user", object_type: "job" });
    expect(audit.details).toMatchObject({ ids: [failed, delayed, locked] });
  });

  it("reschedules jobs to a later time, and removes jobs from the queue, locked ones excepted", async () => {
    const waiting = await addJob("credits.grant", "waiting");
    const locked = await addJob("sync.target", "locked");
    const at = new Date(Date.now() + 2 * 3_600_000);

    expect(await operator().jobs.reschedule({ ids: [waiting], runAt: at })).toMatchObject({
      changed: 1,
      skipped: 0,
    });
    expect((await jobState(waiting))?.run_in_s).toBeGreaterThan(7000);
    expect((await everyJob({ state: "delayed" })).map((job) => job.id)).toEqual([waiting]);

    const removed = await operator().jobs.remove({ ids: [waiting, locked, "987654321"] });
    expect(removed).toMatchObject({
      changed: 1,
      skipped: 2,
      message: expect.stringMatching(/^1 job removed; 2 jobs skipped/),
    });
    expect(await jobState(waiting)).toBeNull();
    expect(await jobState(locked)).not.toBeNull();
  });

  it("refuses a viewer (403), no ids, more than 100, a malformed id and a bad date (400 naming the field)", async () => {
    const id = await addJob("credits.grant", "failed");
    for (const call of [
      viewer().jobs.runNow({ ids: [id] }),
      viewer().jobs.reschedule({ ids: [id], runAt: new Date() }),
      viewer().jobs.remove({ ids: [id] }),
    ]) {
      await expect(call).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await jobState(id))?.attempts).toBe(3);

    expect(await invalidFields(operator().jobs.runNow({ ids: [] }))).toEqual(["ids"]);
    expect(
      await invalidFields(
        operator().jobs.remove({ ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) }),
      ),
    ).toEqual(["ids"]);
    expect(await invalidFields(operator().jobs.remove({ ids: ["1", "x"] }))).toEqual(["ids.1"]);
    expect(await invalidFields(operator().jobs.reschedule({ ids: [id], runAt: "soon" as never }))).toEqual([
      "runAt",
    ]);
  });
});
