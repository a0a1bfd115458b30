import { sql } from "kysely";
import type { TaskContext } from "../context.ts";

/**
 * Runs every minute (a schedule row): enqueues a sync for every active target that is due, in one
 * statement. Claiming a target moves its next_sync_at one interval ahead, so a tick that fires
 * while the sync still runs does not enqueue it again; the sync itself then sets the true
 * next_sync_at from its outcome. A target with a pending retry or deferral is left alone (its job
 * keeps its attempt and time). Order: the target's priority (S1: the tier), then, for S1,
 * recently active tenants, then never-synced and oldest last sync, which becomes the jobs' id
 * order within a priority.
 */
export async function enqueueDueSyncs(ctx: Pick<TaskContext, "db">): Promise<number> {
  const { rows } = await sql<{ enqueued: string }>`
    with due as (
      update synchub.sync_targets s
      set next_sync_at = now() + s.interval_ms * interval '1 millisecond', updated_at = now()
      where s.status = 'active'
        and s.next_sync_at <= now()
        and not exists (
          select 1 from graphile_worker.jobs j
          where j.key = 'sync:' || s.id and j.locked_at is null and j.attempts < j.max_attempts
        )
      returning s.id, s.kind, s.subject_id, s.priority, s.last_synced_at
    ), ordered as (
      select due.* from due
      left join synchub.connections c on due.kind = 'llm.costs' and c.id = due.subject_id
      left join synchub.tenants t on t.id = c.tenant_id
      order by due.priority, t.last_active_at desc nulls last, due.last_synced_at asc nulls first
    )
    select count(graphile_worker.add_job(
      'sync.target',
      json_build_object('targetId', id, 'trigger', 'schedule'),
      priority := priority,
      max_attempts := 5,
      job_key := 'sync:' || id,
      job_key_mode := 'preserve_run_at'
    )) as enqueued
    from ordered`.execute(ctx.db);
  return Number(rows[0]?.enqueued ?? 0);
}
