import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface ProviderSyncHealth {
  provider: string;
  activeConnections: number;
  /** Active connections whose next sync is overdue by more than their own interval. */
  lateConnections: number;
  /** Seconds the most overdue active connection is late (0 when none is due). */
  maxLatenessSeconds: number;
  lastSuccessAt: Date | null;
  runsLastHour: number;
  failedRunsLastHour: number;
  /** Active targets whose last sync failed. */
  failingTargets: number;
  /** Targets paused after repeated authentication failures. */
  authPausedTargets: number;
  /** Open dead letters of a permanent failure of this pool's targets. */
  permanentDeadLetters: number;
  /** The first few targets needing a person (paused by the engine, failing, or dead-lettered). */
  needsAttention: string[];
}

export async function providerSyncHealth(db: Executor): Promise<ProviderSyncHealth[]> {
  const { rows } = await sql<{
    provider: string;
    active: number;
    late: number;
    max_lateness: number;
    last_success_at: Date | null;
    runs_last_hour: number;
    failed_last_hour: number;
    failing: number;
    auth_paused: number;
    permanent_dead_letters: number;
    needs_attention: string[] | null;
  }>`
    select s.pool as provider,
      count(*) filter (where s.status = 'active')::int as active,
      count(*) filter (
        where s.status = 'active' and now() - s.next_sync_at > s.interval_ms * interval '1 millisecond')::int as late,
      coalesce(extract(epoch from max(now() - s.next_sync_at) filter (
        where s.status = 'active' and s.next_sync_at < now())), 0)::float8 as max_lateness,
      (select max(r.finished_at) from synchub.runs r
        join synchub.sync_targets rs on rs.id = r.target_id
        where rs.pool = s.pool and r.status = 'succeeded') as last_success_at,
      (select count(*) from synchub.runs r join synchub.sync_targets rs on rs.id = r.target_id
        where rs.pool = s.pool and r.started_at > now() - interval '1 hour'
          and r.status in ('succeeded', 'failed'))::int as runs_last_hour,
      (select count(*) from synchub.runs r join synchub.sync_targets rs on rs.id = r.target_id
        where rs.pool = s.pool and r.started_at > now() - interval '1 hour'
          and r.status = 'failed')::int as failed_last_hour,
      count(*) filter (where s.status = 'active' and s.sync_status = 'failed')::int as failing,
      -- Paused by the engine, not by a person: the pause names the authentication failures.
      count(*) filter (where s.status = 'paused' and s.auth_failures > 0)::int as auth_paused,
      (select count(*) from synchub.dead_letters d join synchub.sync_targets ds on ds.id = d.target_id
        where ds.pool = s.pool and d.status = 'open' and d.error_class = 'permanent')::int as permanent_dead_letters,
      (array_agg(s.id::text order by s.updated_at desc) filter (
        where (s.status = 'active' and s.sync_status = 'failed') or (s.status = 'paused' and s.auth_failures > 0)
      ))[1:5] as needs_attention
    from synchub.sync_targets s
    group by s.pool
    order by s.pool`.execute(db);
  return rows.map((row) => ({
    provider: row.provider,
    activeConnections: row.active,
    lateConnections: row.late,
    maxLatenessSeconds: Math.round(row.max_lateness),
    lastSuccessAt: row.last_success_at,
    runsLastHour: row.runs_last_hour,
    failedRunsLastHour: row.failed_last_hour,
    failingTargets: row.failing,
    authPausedTargets: row.auth_paused,
    permanentDeadLetters: row.permanent_dead_letters,
    needsAttention: row.needs_attention ?? [],
  }));
}

/** When the most recent worker heartbeat was written, or null when none ever was. */
export async function lastWorkerHeartbeat(db: Executor): Promise<Date | null> {
  const row = await db
    .selectFrom("worker_heartbeats")
    .select((eb) => eb.fn.max("last_seen_at").as("at"))
    .executeTakeFirst();
  return row?.at ?? null;
}

/** Everything /metrics reports, read from Postgres so every worker's work is counted. */
export async function metricsSnapshot(db: Executor, durationBucketsSeconds: number[]) {
  const runs = await sql<{ provider: string; trigger: string; status: string; n: number }>`
    select s.pool as provider, r.trigger, r.status, count(*)::int as n
    from synchub.runs r join synchub.sync_targets s on s.id = r.target_id
    group by 1, 2, 3`.execute(db);
  const bucketCounts = await sql<{ provider: string; le: number; n: number; total: number; sum: number }>`
    select s.pool as provider, b.le,
      count(*) filter (where extract(epoch from r.finished_at - r.started_at) <= b.le)::int as n,
      count(*)::int as total,
      coalesce(sum(extract(epoch from r.finished_at - r.started_at)), 0)::float8 as sum
    from synchub.runs r
    join synchub.sync_targets s on s.id = r.target_id
    cross join unnest(${durationBucketsSeconds}::float8[]) as b(le)
    where r.finished_at is not null and r.status in ('succeeded', 'failed')
    group by s.pool, b.le`.execute(db);
  const durations = new Map<string, { provider: string; count: number; sum: number; buckets: number[] }>();
  for (const row of bucketCounts.rows) {
    const entry = durations.get(row.provider) ?? {
      provider: row.provider,
      count: row.total,
      sum: row.sum,
      buckets: [],
    };
    entry.buckets[durationBucketsSeconds.indexOf(row.le)] = row.n;
    durations.set(row.provider, entry);
  }
  const lastSuccess = await sql<{ provider: string; at: number }>`
    select s.pool as provider, extract(epoch from max(r.finished_at))::float8 as at
    from synchub.runs r join synchub.sync_targets s on s.id = r.target_id
    where r.status = 'succeeded' group by s.pool`.execute(db);
  const queue = await sql<{ task: string; state: string; n: number }>`
    select j.task_identifier as task,
      case when j.locked_at is not null then 'active'
           when j.attempts >= j.max_attempts then 'failed'
           when j.run_at > now() then 'delayed'
           else 'waiting' end as state,
      count(*)::int as n
    from graphile_worker.jobs j
    group by 1, 2`.execute(db);
  const deadLetters = await sql<{ task: string; n: number }>`
    select task, count(*)::int as n from synchub.dead_letters where status = 'open' group by task`.execute(
    db,
  );
  const rateLimits = await sql<{ key: string; deferrals: number; throttled: number }>`
    select key, deferrals::float8 as deferrals, throttled::float8 as throttled from synchub.rate_limits`.execute(
    db,
  );
  // Business jobs (credits, quotas): counts, last success and the latest run's duration per task.
  const jobRuns = await sql<{ task: string; status: string; n: number }>`
    select task, status, count(*)::int as n from synchub.runs where target_id is null group by 1, 2`.execute(
    db,
  );
  const jobLatest = await sql<{ task: string; last_success: number | null; last_duration: number | null }>`
    select task,
      extract(epoch from max(finished_at) filter (where status = 'succeeded'))::float8 as last_success,
      (array_agg(duration_ms / 1000.0 order by started_at desc) filter (where finished_at is not null))[1]::float8
        as last_duration
    from synchub.runs where target_id is null group by task`.execute(db);
  return {
    jobRuns: jobRuns.rows,
    jobLatest: jobLatest.rows,
    runs: runs.rows,
    durations: [...durations.values()],
    lastSuccess: lastSuccess.rows,
    queue: queue.rows,
    deadLetters: deadLetters.rows,
    rateLimits: rateLimits.rows,
  };
}
