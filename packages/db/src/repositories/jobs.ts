/**
 * graphile-worker's live queue, read through its public view (graphile_worker.jobs) and changed
 * through its own admin functions, never its _private_ tables. The queue holds only jobs not yet
 * done (a job is deleted when it succeeds), so reading all of it is bounded by the backlog.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, exactTime, type Keyset, type KeysetPage, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export const JOB_STATES = ["waiting", "delayed", "locked", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * A job's state, over graphile_worker.jobs' columns. graphile-worker treats a lock older than
 * 4 hours as abandoned (its admin functions then change the job anyway), so only a fresher one
 * counts as locked; out of attempts is failed (kept until someone retries or removes it); a
 * future run_at is delayed (scheduled, or a retry waiting out its backoff); the rest wait for a
 * worker.
 */
export const jobStateSql = sql<JobState>`case
  when locked_at is not null and locked_at > now() - interval '4 hours' then 'locked'
  when attempts >= max_attempts then 'failed'
  when run_at > now() then 'delayed'
  else 'waiting' end`;

export interface JobCounts {
  task: string;
  waiting: number;
  delayed: number;
  locked: number;
  failed: number;
}

/** Per task, how many queued jobs are in each state (also the queue side of queueStatistics). */
export const jobCountsSql = sql<JobCounts>`
  select task, count(*) filter (where state = 'waiting')::int as waiting,
    count(*) filter (where state = 'delayed')::int as delayed,
    count(*) filter (where state = 'locked')::int as locked,
    count(*) filter (where state = 'failed')::int as failed
  from (select task_identifier as task, ${jobStateSql} as state from graphile_worker.jobs) j
  group by task`;

/** Per task, how many queued jobs are in each state. */
export async function jobCounts(db: Executor): Promise<JobCounts[]> {
  const { rows } = await sql<JobCounts>`select * from (${jobCountsSql}) counts order by task`.execute(db);
  return rows;
}

export interface JobView {
  id: string;
  task: string;
  queue: string | null;
  state: JobState;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  /** The last failure's message, cut at 2,000 characters. */
  lastError: string | null;
  lockedBy: string | null;
  lockedAt: Date | null;
  priority: number;
  key: string | null;
  createdAt: Date;
}

export interface JobFilter {
  task?: string;
  state?: JobState;
  /** The keyset of the previous page's last job: [run_at to the microsecond, id]. (Default: the first page) */
  after?: Keyset | null;
  /** Jobs per page. (Default: 50) */
  limit?: number;
}

/** One page of the queue, the next to run first (run_at, then id). */
export async function listJobs(db: Executor, filter: JobFilter = {}): Promise<KeysetPage<JobView>> {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  const conditions = [sql<boolean>`true`];
  if (filter.task) conditions.push(sql<boolean>`task = ${filter.task}`);
  if (filter.state) conditions.push(sql<boolean>`state = ${filter.state}`);
  if (filter.after) {
    const [runAt, id] = filter.after;
    conditions.push(sql<boolean>`(run_at, id) > (${runAt}::timestamptz, ${id}::bigint)`);
  }
  const { rows } = await sql<JobView & { keysetRunAt: string }>`
    select id::text as "id", task, queue, state, run_at as "runAt", attempts, max_attempts as "maxAttempts",
      left(last_error, 2000) as "lastError", locked_by as "lockedBy", locked_at as "lockedAt", priority,
      key, created_at as "createdAt", ${exactTime(sql`run_at`)} as "keysetRunAt"
    from (
      select j.*, j.task_identifier as task, j.queue_name as queue, ${jobStateSql} as state
      from graphile_worker.jobs j
    ) jobs
    where ${sql.join(conditions, sql` and `)}
    order by run_at, id
    limit ${limit + 1}`.execute(db);
  return keysetPage(
    rows,
    limit,
    (row) => [row.keysetRunAt, row.id],
    ({ keysetRunAt: _, ...job }) => job,
  );
}

export interface JobChange {
  /** Jobs changed. */
  changed: number;
  /** Jobs asked for but left alone: locked by a worker (running now), or no longer queued. */
  skipped: number;
}

/**
 * Moves jobs to `runAt` (now when null). A job out of attempts gets them back (attempts 0),
 * which is how graphile-worker's docs retry a failed job; the others keep theirs. Locked jobs are
 * left alone by graphile-worker's reschedule_jobs.
 */
export async function rescheduleJobs(db: Executor, ids: string[], runAt: Date | null): Promise<JobChange> {
  const unique = [...new Set(ids)];
  const { rows } = await sql<{ changed: number }>`
    with picked as (
      select id, attempts >= max_attempts as spent from graphile_worker.jobs where id = any(${unique}::bigint[])
    ), changed as (
      select id from graphile_worker.reschedule_jobs(
        array(select id from picked where spent), run_at => coalesce(${runAt}::timestamptz, now()),
        attempts => 0::smallint)
      union all
      select id from graphile_worker.reschedule_jobs(
        array(select id from picked where not spent), run_at => coalesce(${runAt}::timestamptz, now()))
    )
    select count(*)::int as changed from changed`.execute(db);
  const changed = rows[0]?.changed ?? 0;
  return { changed, skipped: unique.length - changed };
}

/** Deletes jobs from the queue (graphile-worker's complete_jobs); locked ones are left alone. */
export async function removeJobs(db: Executor, ids: string[]): Promise<JobChange> {
  const unique = [...new Set(ids)];
  const { rows } = await sql<{ changed: number }>`
    select count(*)::int as changed from graphile_worker.complete_jobs(${unique}::bigint[])`.execute(db);
  const changed = rows[0]?.changed ?? 0;
  return { changed, skipped: unique.length - changed };
}
