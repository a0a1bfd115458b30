import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { needsPerson } from "./attention.ts";

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

/** A target's state: the first of TARGET_STATES that holds. */
export function targetStateOf(target: {
  status: string;
  syncStatus: string;
  authFailed: boolean;
  late: boolean;
  neverSynced: boolean;
}): TargetHealthState {
  if (target.status === "paused") return target.authFailed ? "paused_by_system" : "paused";
  if (target.syncStatus === "failed") return "failing";
  if (target.late) return "late";
  return target.neverSynced ? "never_synced" : "healthy";
}

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
  // One hash aggregate over the targets' narrow state columns: the only part that reads every
  // target. Everything else is looked up from small sets (the last hour's runs, open dead letters,
  // the partial index of targets needing attention), one target at a time.
  // The targets grouped by the raw columns a state depends on (few distinct combinations, so a
  // hash aggregate; the state itself is decided in targetStateOf), in parallel with the last
  // hour's runs and the open permanent dead letters.
  const [{ rows }, lastHour, deadLetters] = await Promise.all([
    sql<{
      pool: string;
      kind: string;
      status: string;
      sync_status: string;
      auth_failed: boolean;
      never_synced: boolean;
      late: boolean;
      n: number;
      oldest_due: number;
      last_success_at: Date | null;
    }>`
    select pool, kind, status, sync_status, auth_failures > 0 as auth_failed,
      last_synced_at is null as never_synced,
      now() - next_sync_at > interval_ms * interval '1 millisecond' as late,
      count(*)::int as n,
      extract(epoch from now() - min(next_sync_at))::float8 as oldest_due,
      max(last_synced_at) as last_success_at
    from synchub.sync_targets
    group by 1, 2, 3, 4, 5, 6, 7`.execute(db),
    sql<{ pool: string; kind: string; runs: number; failed: number }>`
      select t.pool, t.kind, count(*)::int as runs, count(*) filter (where r.status = 'failed')::int as failed
      from synchub.runs r
      cross join lateral (
        select s.pool, s.kind from synchub.sync_targets s where s.id = r.target_id offset 0
      ) t
      where r.finished_at > now() - interval '1 hour' and r.status in ('succeeded', 'failed')
      group by 1, 2`.execute(db),
    sql<{ pool: string; kind: string; n: number }>`
      select t.pool, t.kind, sum(d.n)::int as n
      from (
        select target_id, count(*) as n from synchub.dead_letters
        where status = 'open' and error_class = 'permanent' and target_id is not null
        group by 1
      ) d
      cross join lateral (
        select s.pool, s.kind from synchub.sync_targets s where s.id = d.target_id offset 0
      ) t
      group by 1, 2`.execute(db),
  ]);
  const pairs = [...new Map(rows.map((row) => [`${row.pool}\u0000${row.kind}`, row])).values()];
  // The first few of each pool and kind, newest change first, from sync_targets_attention_group_idx.
  const attention = await sql<{ pool: string; kind: string; ids: string[] }>`
      select g.pool, g.kind, array(
        select t.id::text from synchub.sync_targets t
        where t.pool = g.pool and t.kind = g.kind and ${needsPerson("t")}
        order by t.updated_at desc, t.id desc
        limit 5) as ids
      from unnest(${pairs.map((row) => row.pool)}::text[], ${pairs.map((row) => row.kind)}::text[]) as g(pool, kind)`.execute(
    db,
  );
  const key = (row: { pool: string; kind: string }) => `${row.pool}\u0000${row.kind}`;
  const groups = new Map<string, TargetGroupHealth>();
  for (const row of rows) {
    const group = groups.get(key(row)) ?? {
      pool: row.pool,
      kind: row.kind,
      activeTargets: 0,
      states: Object.fromEntries(TARGET_STATES.map((state) => [state, 0])) as Record<
        TargetHealthState,
        number
      >,
      oldestDueSeconds: 0,
      lastSuccessAt: null,
      runsLastHour: 0,
      failedRunsLastHour: 0,
      permanentDeadLetters: 0,
      needsAttention: [],
    };
    const state = targetStateOf({
      status: row.status,
      syncStatus: row.sync_status,
      authFailed: row.auth_failed,
      late: row.late,
      neverSynced: row.never_synced,
    });
    group.states[state] += row.n;
    if (row.status === "active") {
      group.activeTargets += row.n;
      group.oldestDueSeconds = Math.max(group.oldestDueSeconds, Math.round(row.oldest_due));
    }
    if (row.last_success_at && (!group.lastSuccessAt || row.last_success_at > group.lastSuccessAt))
      group.lastSuccessAt = row.last_success_at;
    groups.set(key(row), group);
  }
  for (const row of attention.rows) {
    const group = groups.get(key(row));
    if (group) group.needsAttention = row.ids;
  }
  for (const row of lastHour.rows) {
    const group = groups.get(key(row));
    if (group) {
      group.runsLastHour = row.runs;
      group.failedRunsLastHour = row.failed;
    }
  }
  for (const row of deadLetters.rows) {
    const group = groups.get(key(row));
    if (group) group.permanentDeadLetters = row.n;
  }
  return [...groups.values()].sort((a, b) => key(a).localeCompare(key(b)));
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
