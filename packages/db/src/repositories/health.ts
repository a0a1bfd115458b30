import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** Mutually exclusive states of a target, in the order they are judged (the first that holds). */
export const TARGET_STATES = [
  "paused_by_system",
  "paused",
  "failing",
  "late",
  "never_synced",
  "healthy",
] as const;
export type TargetHealthState = (typeof TARGET_STATES)[number];

/** What health and /metrics know of one pool and kind, from one pass over its targets. */
export interface TargetGroupHealth {
  pool: string;
  kind: string;
  activeTargets: number;
  /** Targets per state (paused_by_system: the engine paused it after authentication failures). */
  states: Record<TargetHealthState, number>;
  /** Seconds the most overdue active target has waited past its next sync (0 when none is due). */
  oldestDueSeconds: number;
  /** The newest successful sync of any of its targets. */
  lastSuccessAt: Date | null;
  /** Finished sync runs in the last hour, and how many of them failed. */
  runsLastHour: number;
  failedRunsLastHour: number;
  /** Open dead letters of a permanent failure (a person must act). */
  permanentDeadLetters: number;
  /** The first few targets needing a person (paused by the engine, failing, or never succeeded), newest first. */
  needsAttention: string[];
}

/**
 * Every pool and kind judged from its targets: one pass over synchub.sync_targets (no run history),
 * the last hour of runs through runs_finished_idx, and the open dead letters.
 */
export async function targetGroupHealth(db: Executor): Promise<TargetGroupHealth[]> {
  const { rows } = await sql<{
    pool: string;
    kind: string;
    active: number;
    states: Record<TargetHealthState, number>;
    oldest_due: number;
    last_success_at: Date | null;
    needs_attention: string[] | null;
  }>`
    with judged as (
      select s.pool, s.kind, s.id, s.status, s.next_sync_at, s.last_synced_at, s.updated_at,
        case
          when s.status = 'paused' and s.auth_failures > 0 then 'paused_by_system'
          when s.status = 'paused' then 'paused'
          when s.sync_status = 'failed' then 'failing'
          when now() - s.next_sync_at > s.interval_ms * interval '1 millisecond' then 'late'
          when s.last_synced_at is null then 'never_synced'
          else 'healthy'
        end as state
      from synchub.sync_targets s
    )
    select pool, kind,
      count(*) filter (where status = 'active')::int as active,
      jsonb_build_object(
        'paused_by_system', count(*) filter (where state = 'paused_by_system'),
        'paused', count(*) filter (where state = 'paused'),
        'failing', count(*) filter (where state = 'failing'),
        'late', count(*) filter (where state = 'late'),
        'never_synced', count(*) filter (where state = 'never_synced'),
        'healthy', count(*) filter (where state = 'healthy')) as states,
      coalesce(extract(epoch from max(now() - next_sync_at) filter (
        where status = 'active' and next_sync_at < now())), 0)::float8 as oldest_due,
      max(last_synced_at) as last_success_at,
      (array_agg(id::text order by updated_at desc) filter (
        where state in ('paused_by_system', 'failing', 'never_synced')))[1:5] as needs_attention
    from judged
    group by pool, kind
    order by pool, kind`.execute(db);
  const [lastHour, deadLetters] = await Promise.all([
    sql<{ pool: string; kind: string; runs: number; failed: number }>`
      select t.pool, t.kind, count(*)::int as runs, count(*) filter (where r.status = 'failed')::int as failed
      from synchub.runs r join synchub.sync_targets t on t.id = r.target_id
      where r.finished_at > now() - interval '1 hour' and r.status in ('succeeded', 'failed')
      group by 1, 2`.execute(db),
    sql<{ pool: string; kind: string; n: number }>`
      select t.pool, t.kind, count(*)::int as n
      from synchub.dead_letters d join synchub.sync_targets t on t.id = d.target_id
      where d.status = 'open' and d.error_class = 'permanent'
      group by 1, 2`.execute(db),
  ]);
  const key = (row: { pool: string; kind: string }) => `${row.pool}\u0000${row.kind}`;
  const hourByGroup = new Map(lastHour.rows.map((row) => [key(row), row]));
  const deadByGroup = new Map(deadLetters.rows.map((row) => [key(row), row.n]));
  return rows.map((row) => ({
    pool: row.pool,
    kind: row.kind,
    activeTargets: row.active,
    states: Object.fromEntries(
      TARGET_STATES.map((state) => [state, Number(row.states[state] ?? 0)]),
    ) as Record<TargetHealthState, number>,
    oldestDueSeconds: Math.round(row.oldest_due),
    lastSuccessAt: row.last_success_at,
    runsLastHour: hourByGroup.get(key(row))?.runs ?? 0,
    failedRunsLastHour: hourByGroup.get(key(row))?.failed ?? 0,
    permanentDeadLetters: deadByGroup.get(key(row)) ?? 0,
    needsAttention: row.needs_attention ?? [],
  }));
}

/** Worker processes that beat within `aliveWithinMs`, and when the newest beat was (null: never). */
export async function workerLiveness(
  db: Executor,
  aliveWithinMs: number,
): Promise<{ alive: number; lastBeatAt: Date | null }> {
  const { rows } = await sql<{ alive: number; last_beat_at: Date | null }>`
    select count(*) filter (where last_seen_at > now() - ${aliveWithinMs} * interval '1 millisecond')::int as alive,
      max(last_seen_at) as last_beat_at
    from synchub.worker_heartbeats`.execute(db);
  return { alive: rows[0]?.alive ?? 0, lastBeatAt: rows[0]?.last_beat_at ?? null };
}
