import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { type TargetGroupHealth, targetGroupHealth, workerLiveness } from "./health.ts";
import { type RunCount, runCounts } from "./history.ts";
import { queueStatistics } from "./quotas.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Everything /metrics reports, read from Postgres so every worker's work is counted. Each part is
 * bounded by pools, kinds, tasks and pacing keys, never by the run history or the number of
 * targets' rows it returns.
 */
export interface MetricsSnapshot {
  runCounts: RunCount[];
  targetGroups: TargetGroupHealth[];
  workers: { alive: number; lastBeatAt: Date | null };
  /** Every task with a schedule row: its counters are reported (at 0) before its first run. */
  scheduledTasks: string[];
  deadLetters: { task: string; errorClass: string; open: number; oldestOpenSeconds: number }[];
  /** Per pool (its own pacing key), then one row with pool null: every credential key summed. */
  pools: { pool: string | null; paused: boolean; deferrals: number; throttled: number }[];
  queue: { task: string; state: string; n: number }[];
  /** Per task without a target: the latest finished run's duration. */
  jobLatest: { task: string; lastDurationSeconds: number }[];
}

export async function metricsSnapshot(db: Executor, workerAliveWithinMs: number): Promise<MetricsSnapshot> {
  const [counts, targetGroups, workers, scheduled, deadLetters, pools, queue] = await Promise.all([
    runCounts(db),
    targetGroupHealth(db),
    workerLiveness(db, workerAliveWithinMs),
    sql<{ task: string }>`select distinct task from synchub.schedules order by task`.execute(db),
    sql<{ task: string; error_class: string; open: number; oldest: number }>`
      select task, error_class, count(*)::int as open,
        extract(epoch from now() - min(first_failed_at))::float8 as oldest
      from synchub.dead_letters where status = 'open'
      group by 1, 2`.execute(db),
    // A pool's own pacing key is 'provider:<pool>'. Credential keys ('credential:<target id>') are
    // summed into one figure: their rows outlive their targets, so a per-pool sum through the
    // target would drop when a target is deleted, and a counter must never go down.
    sql<{ pool: string | null; paused: boolean; deferrals: number; throttled: number }>`
      select p.name as pool, coalesce(r.paused_until > now(), false) as paused,
        coalesce(r.deferrals, 0)::float8 as deferrals, coalesce(r.throttled, 0)::float8 as throttled
      from synchub.pools p
      left join synchub.rate_limits r on r.key = 'provider:' || p.name
      union all
      select null, false, coalesce(sum(deferrals), 0)::float8, coalesce(sum(throttled), 0)::float8
      from synchub.rate_limits where key like 'credential:%'
      order by 1 nulls last`.execute(db),
    queueStatistics(db),
  ]);
  // The latest run of each task without a target, one index probe per task (runs_task_idx).
  const jobTasks = [...new Set(counts.filter((row) => row.kind === "").map((row) => row.task))];
  const jobLatest = await sql<{ task: string; seconds: number }>`
    select t.task, latest.duration_ms / 1000.0::float8 as seconds
    from unnest(${jobTasks}::text[]) as t(task)
    cross join lateral (
      select r.duration_ms from synchub.runs r
      where r.task = t.task and r.finished_at is not null and r.duration_ms is not null
      order by r.started_at desc limit 1
    ) latest`.execute(db);
  return {
    runCounts: counts,
    targetGroups,
    workers,
    scheduledTasks: scheduled.rows.map((row) => row.task),
    deadLetters: deadLetters.rows.map((row) => ({
      task: row.task,
      errorClass: row.error_class,
      open: row.open,
      oldestOpenSeconds: Math.round(row.oldest),
    })),
    pools: pools.rows,
    queue: queue.flatMap((row) =>
      (["waiting", "active", "delayed", "failed"] as const).map((state) => ({
        task: row.task,
        state,
        n: row[state],
      })),
    ),
    jobLatest: jobLatest.rows.map((row) => ({ task: row.task, lastDurationSeconds: Number(row.seconds) })),
  };
}
