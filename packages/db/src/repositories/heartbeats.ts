import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export async function beatHeart(
  db: Executor,
  beat: {
    processId: string;
    workerIds: string[];
    hostname: string;
    pid: number;
    /** Jobs the process runs at once. (Default: null, not told) */
    concurrency?: number | null;
  },
): Promise<void> {
  await db
    .insertInto("worker_heartbeats")
    .values({
      process_id: beat.processId,
      worker_ids: beat.workerIds,
      hostname: beat.hostname,
      pid: beat.pid,
      concurrency: beat.concurrency ?? null,
    })
    .onConflict((oc) =>
      oc.column("process_id").doUpdateSet({
        worker_ids: beat.workerIds,
        concurrency: beat.concurrency ?? null,
        last_seen_at: sql`now()`,
      }),
    )
    .execute();
}

export interface WorkerView {
  /** The process's id in its heartbeat. */
  id: string;
  hostname: string;
  pid: number;
  startedAt: Date;
  lastBeatAt: Date;
  /** Beat within `aliveWithinMs`. */
  alive: boolean;
  /** Jobs it runs at once; null for a process that does not say. */
  concurrency: number | null;
  /** graphile-worker jobs locked by its workers (a lock older than 4 hours is abandoned, not held). */
  jobsHeld: number;
  /** Its graphile-worker ids (the pool's and each worker's), as jobs name them in locked_by. */
  workerIds: string[];
}

/** The worker processes that beat in the last 24 hours, the newest first, with the jobs each holds. */
export async function listWorkers(db: Executor, aliveWithinMs: number): Promise<WorkerView[]> {
  const { rows } = await sql<WorkerView>`
    select h.process_id as "id", h.hostname, h.pid, h.started_at as "startedAt", h.last_seen_at as "lastBeatAt",
      h.last_seen_at > now() - ${aliveWithinMs} * interval '1 millisecond' as "alive",
      h.concurrency, h.worker_ids as "workerIds",
      (select count(*) from graphile_worker.jobs j
        where j.locked_by = any(h.worker_ids) and j.locked_at > now() - interval '4 hours')::int as "jobsHeld"
    from synchub.worker_heartbeats h
    where h.last_seen_at > now() - interval '24 hours'
    order by h.started_at desc, h.process_id`.execute(db);
  return rows;
}

export async function removeHeartbeat(db: Executor, processId: string): Promise<void> {
  await db.deleteFrom("worker_heartbeats").where("process_id", "=", processId).execute();
}

/**
 * Releases the jobs locked by worker processes that stopped beating for `staleAfterMs`, so
 * another worker picks them up, and forgets those processes. Returns the processes reaped.
 */
export async function reapDeadWorkers(db: Kysely<DB>, staleAfterMs: number): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const dead = await trx
      .deleteFrom("worker_heartbeats")
      .where("last_seen_at", "<", sql<Date>`now() - make_interval(secs => ${staleAfterMs / 1000})`)
      .returning(["process_id", "worker_ids"])
      .execute();
    const workerIds = dead.flatMap((row) => row.worker_ids);
    if (workerIds.length > 0) {
      // The run history tells the truth: the dead worker's running syncs failed (transient),
      // and their target claims and pool slots are free again before the job runs elsewhere.
      await sql`
        with orphaned as (
          select id::text as job_id from graphile_worker.jobs where locked_by = any(${workerIds}::text[])
        ), failed_runs as (
          update synchub.runs set status = 'failed', finished_at = now(), error_class = 'transient',
            error = 'The worker running this sync stopped (no heartbeat); its job was released to another worker'
          where status = 'running' and job_id in (select job_id from orphaned)
        ), slots as (
          update synchub.pool_slots set claimed_by = null, claimed_until = null
          where claimed_by in (select 'job:' || job_id from orphaned)
        )
        update synchub.sync_targets set claimed_by = null, claimed_until = null,
          sync_status = case when sync_status = 'running' then 'failed' else sync_status end
        where claimed_by in (select 'job:' || job_id from orphaned)`.execute(trx);
      await sql`select graphile_worker.force_unlock_workers(${workerIds}::text[])`.execute(trx);
    }
    return dead.map((row) => row.process_id);
  });
}
