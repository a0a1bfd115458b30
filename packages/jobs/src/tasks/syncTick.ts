import { sql } from "kysely";
import type { TaskContext } from "../context.ts";

/**
 * Runs every minute (crontab): enqueues a sync for every active connection that is due, in one
 * statement. Claiming a connection moves its next_sync_at one interval ahead, so a tick that
 * fires while the sync still runs does not enqueue it again; the sync itself then sets the true
 * next_sync_at from its outcome. Order follows SPEC S1: higher tier, then recently active tenants,
 * then never-synced and oldest last sync, which becomes the jobs' id order within a priority.
 */
export async function enqueueDueSyncs(ctx: Pick<TaskContext, "db">): Promise<number> {
  const { rows } = await sql<{ enqueued: string }>`
    with due as (
      update synchub.connections c
      set next_sync_at = now() + synchub.tier_interval(t.tier), updated_at = now()
      from synchub.tenants t
      where t.id = c.tenant_id
        and c.status = 'active'
        and c.next_sync_at <= now()
        -- A pending retry or deferral keeps its attempt, trigger and time: the tick leaves it be.
        and not exists (
          select 1 from graphile_worker.jobs j
          where j.key = 'sync:' || c.id and j.locked_at is null and j.attempts < j.max_attempts
        )
      returning c.id, t.tier, t.last_active_at, c.last_synced_at
    ), ordered as (
      select * from due
      order by synchub.tier_priority(tier), last_active_at desc nulls last, last_synced_at asc nulls first
    )
    select count(graphile_worker.add_job(
      'sync.connection',
      json_build_object('connectionId', id, 'trigger', 'schedule'),
      priority := synchub.tier_priority(tier),
      max_attempts := 5,
      job_key := 'sync:' || id,
      job_key_mode := 'preserve_run_at'
    )) as enqueued
    from ordered`.execute(ctx.db);
  return Number(rows[0]?.enqueued ?? 0);
}
