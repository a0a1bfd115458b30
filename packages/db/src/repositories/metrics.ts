import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { type TargetGroupHealth, targetGroupHealth, workerLiveness } from "./health.ts";
import { type RunCount, runCounts } from "./history.ts";

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
  pools: { pool: string; paused: boolean; deferrals: number; throttled: number }[];
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
    // A pool's own pacing key is 'provider:<pool>'; a credential's ('credential:<target id>') is
    // counted under its target's pool, so the series stay one per pool.
    sql<{ pool: string; paused: boolean; deferrals: number; throttled: number }>`
      with keyed as (
        select case when r.key like 'provider:%' then substring(r.key from 10) else t.pool end as pool,
          r.key, r.paused_until, r.deferrals, r.throttled
        from synchub.rate_limits r
        left join lateral (
          select s.pool from synchub.sync_targets s
          where s.id = case when r.key ~ '^credential:[0-9a-f-]{36}$' then substring(r.key from 12)::uuid end
          offset 0
        ) t on true
      )
      select p.name as pool,
        coalesce(bool_or(k.key = 'provider:' || p.name and k.paused_until > now()), false) as paused,
        coalesce(sum(k.deferrals), 0)::float8 as deferrals,
        coalesce(sum(k.throttled), 0)::float8 as throttled
      from synchub.pools p left join keyed k on k.pool = p.name
      group by p.name
      order by p.name`.execute(db),
    sql<{ task: string; state: string; n: number }>`
      select j.task_identifier as task,
        case when j.locked_at is not null then 'active'
             when j.attempts >= j.max_attempts then 'failed'
             when j.run_at > now() then 'delayed'
             else 'waiting' end as state,
        count(*)::int as n
      from graphile_worker.jobs j
      group by 1, 2`.execute(db),
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
    queue: queue.rows,
    jobLatest: jobLatest.rows.map((row) => ({ task: row.task, lastDurationSeconds: Number(row.seconds) })),
  };
}
