import { type MissedPolicy, nextOccurrences } from "@synchub/domain";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

function schedulesWithLastRun(db: Executor) {
  return db
    .selectFrom("schedules")
    .selectAll("schedules")
    .select((eb) =>
      eb
        .selectFrom("schedule_occurrences")
        .select((o) => o.fn.max("schedule_occurrences.occurrence_at").as("last_run_at"))
        .whereRef("schedule_occurrences.schedule_id", "=", "schedules.id")
        .where("schedule_occurrences.status", "=", "enqueued")
        .as("last_run_at"),
    );
}

/** Schedules with the time of their latest enqueued occurrence (scheduled, catch-up or manual). */
export function listSchedules(db: Executor) {
  return schedulesWithLastRun(db).orderBy("schedules.name").execute();
}

export type ScheduleView = Awaited<ReturnType<typeof listSchedules>>[number];

export function findSchedule(db: Executor, id: string): Promise<ScheduleView | undefined> {
  return schedulesWithLastRun(db).where("schedules.id", "=", id).executeTakeFirst();
}

export function findScheduleByName(db: Executor, name: string) {
  return db.selectFrom("schedules").selectAll().where("name", "=", name).executeTakeFirst();
}

export interface NewSchedule {
  name: string;
  task: string;
  payload?: Record<string, unknown>;
  cron: string;
  timeZone: string;
  missedPolicy?: MissedPolicy;
  catchUpCap?: number;
  enabled?: boolean;
  description?: string;
}

/** Adds a schedule; its first tick runs an occurrence that fell within the last minute, if any. */
export async function insertSchedule(db: Executor, input: NewSchedule): Promise<string> {
  const row = await db
    .insertInto("schedules")
    .values({
      name: input.name,
      task: input.task,
      payload: JSON.stringify(input.payload ?? {}),
      cron: input.cron,
      time_zone: input.timeZone,
      missed_policy: input.missedPolicy ?? "skip",
      catch_up_cap: input.catchUpCap ?? 10,
      enabled: input.enabled ?? true,
      description: input.description ?? "",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ScheduleChanges {
  cron: string;
  timeZone: string;
  missedPolicy: MissedPolicy;
  catchUpCap: number;
  enabled?: boolean;
}

/**
 * Saves validated changes and moves the cursor to the first occurrence after `now` under the new
 * expression: occurrences of the old expression are not "missed", and the next tick (no restart)
 * follows the new one. Returns false when no schedule has that id.
 */
export async function updateSchedule(
  db: Executor,
  id: string,
  changes: ScheduleChanges,
  now: Date = new Date(),
): Promise<boolean> {
  const current = await db.selectFrom("schedules").select("enabled").where("id", "=", id).executeTakeFirst();
  if (!current) return false;
  const enabled = changes.enabled ?? current.enabled;
  const [next] = enabled ? nextOccurrences(changes.cron, changes.timeZone, now, 1) : [];
  const result = await db
    .updateTable("schedules")
    .set({
      cron: changes.cron,
      time_zone: changes.timeZone,
      missed_policy: changes.missedPolicy,
      catch_up_cap: changes.catchUpCap,
      enabled,
      next_occurrence_at: next ?? null,
      updated_at: sql`now()`,
    })
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Pauses or resumes a schedule. Occurrences while paused are not missed, they are not wanted:
 * resuming starts from the first occurrence after `now`. Returns false when no schedule has that id.
 */
export async function setScheduleEnabled(
  db: Executor,
  id: string,
  enabled: boolean,
  now: Date = new Date(),
): Promise<boolean> {
  const current = await db
    .selectFrom("schedules")
    .select(["cron", "time_zone"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!current) return false;
  const [next] = enabled ? nextOccurrences(current.cron, current.time_zone, now, 1) : [];
  await db
    .updateTable("schedules")
    .set({ enabled, next_occurrence_at: next ?? null, updated_at: sql`now()` })
    .where("id", "=", id)
    .execute();
  return true;
}

/** The most recent ledger rows of one schedule, newest occurrence first. */
export function listScheduleOccurrences(db: Executor, scheduleId: string, limit = 50) {
  return db
    .selectFrom("schedule_occurrences")
    .selectAll()
    .where("schedule_id", "=", scheduleId)
    .orderBy("occurrence_at", "desc")
    .limit(limit)
    .execute();
}

export type ScheduleOccurrenceView = Awaited<ReturnType<typeof listScheduleOccurrences>>[number];

/** The run an enqueued occurrence started, as the ledger shows it. */
export interface OccurrenceRun {
  id: string;
  status: "running" | "succeeded" | "failed" | "deferred";
  durationMs: number | null;
  error: string | null;
}

export type ScheduleLedgerEntry = ScheduleOccurrenceView & { run: OccurrenceRun | null };

/**
 * The most recent ledger rows of one schedule, newest first, each with the run its job started
 * (null when skipped or not started yet), in one statement. A run is the occurrence's when it
 * carries the occurrence's job id; runs that carry no job id (business tasks record none) are
 * matched as the latest scheduled run of the task between the occurrence and the next enqueued
 * one, so a retry's outcome is the one shown. Each lookup is one range of the task's runs
 * (runs_task_idx: task, started_at), between the occurrence and the next.
 */
export async function listScheduleLedger(
  db: Executor,
  scheduleId: string,
  limit = 50,
): Promise<ScheduleLedgerEntry[]> {
  const { rows } = await sql<
    ScheduleOccurrenceView & {
      run_id: string | null;
      run_status: OccurrenceRun["status"] | null;
      run_duration_ms: number | null;
      run_error: string | null;
    }
  >`
    with ledger as (
      select o.* from synchub.schedule_occurrences o
      where o.schedule_id = ${scheduleId}::uuid
      order by o.occurrence_at desc
      limit ${limit}
    ), windows as (
      select occurrence_at, lead(occurrence_at) over (order by occurrence_at) as next_at
      from ledger where status = 'enqueued'
    )
    select ledger.*, run.id::text as run_id, run.status as run_status,
      run.duration_ms as run_duration_ms, run.error as run_error
    from ledger
    join synchub.schedules s on s.id = ledger.schedule_id
    left join windows on windows.occurrence_at = ledger.occurrence_at
    left join lateral (
      select r.id, r.status, r.duration_ms, r.error
      from synchub.runs r
      where ledger.status = 'enqueued' and r.task = s.task
        and r.started_at >= least(ledger.occurrence_at, ledger.created_at)
        -- One range of the task's runs: both bounds are index conditions.
        and r.started_at < coalesce(windows.next_at, 'infinity'::timestamptz)
        and (r.job_id = ledger.job_id or (r.job_id is null and r.trigger = 'schedule'))
      order by r.job_id is not distinct from ledger.job_id desc, r.started_at desc, r.id desc
      limit 1
    ) run on true
    order by ledger.occurrence_at desc`.execute(db);
  return rows.map(({ run_id, run_status, run_duration_ms, run_error, ...occurrence }) => ({
    ...occurrence,
    run:
      run_id === null
        ? null
        : { id: run_id, status: run_status!, durationMs: run_duration_ms, error: run_error },
  }));
}

/**
 * Enabled schedules whose cursor has been reached (or was never set), locked for this
 * transaction. `skip locked`: a second tick running at the same time passes over them instead of
 * waiting, and finds them handled once the first commits.
 */
export function lockDueSchedules(trx: Transaction<DB>, now: Date) {
  return trx
    .selectFrom("schedules")
    .select([
      "id",
      "name",
      "task",
      "payload",
      "cron",
      "time_zone",
      "missed_policy",
      "catch_up_cap",
      "next_occurrence_at",
    ])
    .where("enabled", "=", true)
    .where((eb) => eb.or([eb("next_occurrence_at", "is", null), eb("next_occurrence_at", "<=", now)]))
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Moves a schedule's cursor after a tick handled its due occurrences. */
export async function advanceSchedule(
  trx: Executor,
  id: string,
  cursor: { lastOccurrenceAt: Date | null; nextOccurrenceAt: Date | null },
): Promise<void> {
  await trx
    .updateTable("schedules")
    .set((eb) => ({
      last_occurrence_at: cursor.lastOccurrenceAt ?? eb.ref("last_occurrence_at"),
      next_occurrence_at: cursor.nextOccurrenceAt,
    }))
    .where("id", "=", id)
    .execute();
}

export interface OccurrenceClaim {
  at: Date;
  source: "schedule" | "manual" | "catch_up";
  status: "enqueued" | "skipped";
}

export interface ClaimedOccurrence {
  occurrence_at: Date;
  source: "schedule" | "manual" | "catch_up";
  status: "enqueued" | "skipped";
  job_id: string | null;
}

/**
 * Writes ledger rows and enqueues a job for each `enqueued` one, exactly once: the ledger's
 * primary key (schedule_id, occurrence_at) lets only one claimant insert an occurrence, and only
 * the rows this call inserted get a job, in the same transaction, so a rollback leaves neither.
 * A concurrent claimant of the same occurrence waits on the key and then inserts nothing.
 * No job_key: a catch-up may enqueue several occurrences of one schedule; the ledger dedupes.
 * Jobs run at their occurrence time (already past), so a burst runs oldest first.
 * Returns the rows this call inserted.
 */
export async function claimOccurrences(
  db: Executor,
  schedule: { id: string; task: string; payload: unknown },
  claims: OccurrenceClaim[],
): Promise<ClaimedOccurrence[]> {
  if (claims.length === 0) return [];
  if (!db.isTransaction) {
    return db.transaction().execute((trx) => claimOccurrences(trx, schedule, claims));
  }
  const { rows: inserted } = await sql<{ occurrence_at: Date }>`
    insert into synchub.schedule_occurrences (schedule_id, occurrence_at, source, status)
    select ${schedule.id}::uuid, c.at, c.source, c.status
    from unnest(
      ${claims.map((c) => c.at.toISOString())}::timestamptz[],
      ${claims.map((c) => c.source)}::text[],
      ${claims.map((c) => c.status)}::text[]
    ) as c(at, source, status)
    on conflict (schedule_id, occurrence_at) do nothing
    returning occurrence_at`.execute(db);
  if (inserted.length === 0) return [];
  const { rows } = await sql<ClaimedOccurrence>`
    update synchub.schedule_occurrences o
    set job_id = case when o.status = 'enqueued' then (graphile_worker.add_job(
      ${schedule.task},
      ${JSON.stringify(schedule.payload ?? {})}::json,
      run_at := o.occurrence_at
    )).id::text end
    where o.schedule_id = ${schedule.id}::uuid
      and o.occurrence_at = any(${inserted.map((row) => row.occurrence_at.toISOString())}::timestamptz[])
    returning o.occurrence_at, o.source, o.status, o.job_id`.execute(db);
  return rows.sort((a, b) => a.occurrence_at.getTime() - b.occurrence_at.getTime());
}

/**
 * Run now: a `manual` ledger row at the current second and its job, in one transaction.
 * Pressing twice within one second enqueues once. Returns null when no schedule has that id.
 */
export async function runScheduleNow(
  db: Executor,
  id: string,
): Promise<{ occurrenceAt: Date; jobId: string | null } | null> {
  const run = async (trx: Transaction<DB>) => {
    const schedule = await trx
      .selectFrom("schedules")
      .select(["id", "task", "payload", sql<Date>`date_trunc('second', now())`.as("now")])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!schedule) return null;
    const [claimed] = await claimOccurrences(trx, schedule, [
      { at: schedule.now, source: "manual", status: "enqueued" },
    ]);
    return { occurrenceAt: schedule.now, jobId: claimed?.job_id ?? null };
  };
  return db.isTransaction ? run(db as Transaction<DB>) : db.transaction().execute(run);
}

/** Drops ledger rows older than `days`: the cursor is long past them. */
export async function pruneScheduleOccurrences(db: Executor, days = 30): Promise<number> {
  const result = await db
    .deleteFrom("schedule_occurrences")
    .where("occurrence_at", "<", sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
