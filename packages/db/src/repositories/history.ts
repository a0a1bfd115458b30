import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * How far behind now() a roll-up stops: a run stamped finished just before the cut, in a
 * transaction that commits just after it, would otherwise be skipped by both sides of the count.
 */
export const ROLLUP_GRACE_MS = 2 * 60_000;

/** Counts every run finished up to (now - grace) into run_rollups and run_totals; answers how many. */
export async function rollUpRuns(db: Executor, graceMs = ROLLUP_GRACE_MS): Promise<number> {
  const { rows } = await sql<{ runs: string }>`
    select synchub.roll_up_runs(now() - ${graceMs} * interval '1 millisecond') as runs`.execute(db);
  return Number(rows[0]?.runs ?? 0);
}

export interface RetentionPolicy {
  /** Runs finished longer ago than this are deleted, once rolled up. (Default: 30) */
  runDays: number;
  /** Resolved and discarded dead letters closed longer ago than this are deleted. (Default: 30) */
  closedDeadLetterDays: number;
  /** Audit rows older than this are deleted. (Default: 365) */
  auditDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { runDays: 30, closedDeadLetterDays: 30, auditDays: 365 };

export interface PruneResult {
  runs: number;
  deadLetters: number;
  auditRows: number;
}

/**
 * Deletes history past its retention, a batch per statement so no delete holds locks for long or
 * builds one giant transaction. Runs go only once rolled up (finished before the watermark), so
 * no count is lost; a run stuck "running" far past retention (its worker died before the reaper
 * existed) is deleted too, as it will never be counted.
 */
export async function pruneHistory(
  db: Executor,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  batchSize = 10_000,
): Promise<PruneResult> {
  await rollUpRuns(db);
  const olderThan = (days: number) => sql`now() - ${days} * interval '1 day'`;
  const runs = await deleteInBatches(
    db,
    "runs",
    sql`finished_at < least(${olderThan(policy.runDays)}, (select rolled_up_until from synchub.run_rollup_state))`,
    batchSize,
  );
  const stuck = await deleteInBatches(
    db,
    "runs",
    sql`status = 'running' and started_at < ${olderThan(policy.runDays)}`,
    batchSize,
  );
  const deadLetters = await deleteInBatches(
    db,
    "dead_letters",
    sql`status in ('resolved', 'discarded') and closed_at < ${olderThan(policy.closedDeadLetterDays)}`,
    batchSize,
  );
  const auditRows = await deleteInBatches(
    db,
    "audit_log",
    sql`at < ${olderThan(policy.auditDays)}`,
    batchSize,
  );
  // Hourly rollups stay far longer than the runs (charts of a year are a few thousand rows); the
  // all-time totals are never pruned, so /metrics' counters never go down.
  await sql`delete from synchub.run_rollups where hour < now() - interval '400 days'`.execute(db);
  return { runs: runs + stuck, deadLetters, auditRows };
}

/** Deletes the rows of `table` that match `where`, `batchSize` at a time; answers how many. */
async function deleteInBatches(
  db: Executor,
  table: "runs" | "dead_letters" | "audit_log",
  where: RawBuilder<unknown>,
  batchSize: number,
): Promise<number> {
  const target = sql.table(`synchub.${table}`);
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      with doomed as (select id from ${target} where ${where} limit ${batchSize}),
      deleted as (delete from ${target} t using doomed where t.id = doomed.id returning 1)
      select count(*)::int as n from deleted`.execute(db);
    const n = rows[0]?.n ?? 0;
    total += n;
    if (n < batchSize) return total;
  }
}

export interface RunCount {
  task: string;
  /** "" for runs without a target. */
  kind: string;
  /** "" for runs without a target. */
  pool: string;
  status: "running" | "succeeded" | "failed" | "deferred";
  /** Index into the duration buckets of synchub.duration_bucket (0.1 … 900 s, then +Inf). */
  durationBucket: number;
  runs: number;
  durationMsSum: number;
  lastFinishedAt: Date;
}

/** Every finished run ever, counted (rollups plus what finished since), by task, kind, pool, status and bucket. */
export async function runCounts(db: Executor): Promise<RunCount[]> {
  const { rows } = await sql<{
    task: string;
    kind: string;
    pool: string;
    status: RunCount["status"];
    duration_bucket: number;
    runs: string;
    duration_ms_sum: string;
    last_finished_at: Date;
  }>`select * from synchub.run_counts`.execute(db);
  return rows.map((row) => ({
    task: row.task,
    kind: row.kind,
    pool: row.pool,
    status: row.status,
    durationBucket: row.duration_bucket,
    runs: Number(row.runs),
    durationMsSum: Number(row.duration_ms_sum),
    lastFinishedAt: row.last_finished_at,
  }));
}

export interface HourlyRunCounts {
  hour: Date;
  succeeded: number;
  failed: number;
  /** Runs per duration bucket (synchub.duration_bucket), succeeded and failed together. */
  durationBuckets: number[];
}

/**
 * Sync runs per hour of finishing over the last `hours`, from the rollups plus the runs not rolled
 * up yet: the Overview's chart, at the same cost whatever the size of the history.
 */
export async function hourlySyncRuns(db: Executor, hours = 24): Promise<HourlyRunCounts[]> {
  const { rows } = await sql<{ hour: Date; status: string; duration_bucket: number; runs: string }>`
    with state as (select rolled_up_until from synchub.run_rollup_state),
    since as (select date_trunc('hour', now()) - ${hours - 1} * interval '1 hour' as at)
    select hour, status, duration_bucket, sum(runs)::bigint as runs from (
      select hour, status, duration_bucket, runs from synchub.run_rollups
      where hour >= (select at from since) and kind <> '' and status in ('succeeded', 'failed')
      union all
      select hour, status, duration_bucket, 1 from synchub.finished_runs
      where finished_at >= greatest((select rolled_up_until from state), (select at from since))
        and target_id is not null and status in ('succeeded', 'failed')
    ) counted
    group by 1, 2, 3
    order by 1`.execute(db);
  const byHour = new Map<number, HourlyRunCounts>();
  for (const row of rows) {
    const key = row.hour.getTime();
    const entry = byHour.get(key) ?? {
      hour: row.hour,
      succeeded: 0,
      failed: 0,
      durationBuckets: Array(9).fill(0),
    };
    const n = Number(row.runs);
    if (row.status === "succeeded") entry.succeeded += n;
    else entry.failed += n;
    entry.durationBuckets[row.duration_bucket] += n;
    byHour.set(key, entry);
  }
  return [...byHour.values()];
}
