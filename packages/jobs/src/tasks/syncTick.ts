import { sql } from "kysely";
import type { TaskContext } from "../context.ts";

/** Most syncs one tick enqueues; a larger burst is spread over the next ticks. (Default: 5,000) */
export const TICK_BATCH = 5_000;

/**
 * Runs every minute (a schedule row): enqueues a sync for the active targets that are due, in
 * one statement and one `add_jobs` call, so a tick costs what is due and not the square of it.
 * Claiming a target moves its next_sync_at one interval ahead, so a tick that fires while the
 * sync still runs does not enqueue it again; the sync itself then sets the true next_sync_at from
 * its outcome. A target with a pending retry or deferral is left alone (its job keeps its attempt
 * and time). Order: the target's priority (S1: the tier), then, for S1, recently active tenants,
 * then never-synced and oldest last sync, which becomes the jobs' id order within a priority.
 */
export async function enqueueDueSyncs(ctx: Pick<TaskContext, "db">, batch = TICK_BATCH): Promise<number> {
  const { rows } = await sql<{ enqueued: string }>`
    with due as (
      select s.id, s.priority, t.last_active_at, s.last_synced_at
      from synchub.sync_targets s
      left join synchub.connections c on s.kind = 'llm.costs' and c.id = s.subject_id
      left join synchub.tenants t on t.id = c.tenant_id
      where s.status = 'active'
        and s.next_sync_at <= now()
        and not exists (
          select 1 from graphile_worker.jobs j
          where j.key = 'sync:' || s.id and j.locked_at is null and j.attempts < j.max_attempts
        )
      order by s.priority, t.last_active_at desc nulls last, s.last_synced_at asc nulls first
      limit ${batch}
    ), claimed as (
      update synchub.sync_targets s
      set next_sync_at = now() + s.interval_ms * interval '1 millisecond', updated_at = now()
      from due where s.id = due.id
      returning s.id
    )
    select count(*) as enqueued from graphile_worker.add_jobs(array(
      select row(
        'sync.target', json_build_object('targetId', due.id, 'trigger', 'schedule'), null, null, 5,
        'sync:' || due.id, due.priority, null
      )::graphile_worker.job_spec
      from due join claimed on claimed.id = due.id
      order by due.priority, due.last_active_at desc nulls last, due.last_synced_at asc nulls first
    ), job_key_preserve_run_at := true)`.execute(ctx.db);
  return Number(rows[0]?.enqueued ?? 0);
}
