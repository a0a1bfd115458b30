import { randomUUID } from "node:crypto";
import os from "node:os";
import { beatHeart, type Database, reapDeadWorkers, removeHeartbeat } from "@synchub/db";
import type { WorkerEvents } from "graphile-worker";

export interface HeartbeatOptions {
  /** How often this process reports itself alive and checks on the others. (Default: 10 000 ms) */
  intervalMs?: number;
  /** Silence after which a worker process counts as dead and its jobs are released. (Default: 45 000 ms) */
  staleAfterMs?: number;
  /** Jobs this process runs at once, shown in the console's workers list. (Default: not told) */
  concurrency?: number;
  onReap?: (processIds: string[]) => void;
  onError?: (error: unknown) => void;
}

/**
 * graphile-worker only treats a lock as stale after 4 hours. Each worker process here records a
 * heartbeat with its graphile-worker ids; any live process that sees another one silent for
 * `staleAfterMs` force-unlocks that one's jobs, so a SIGKILLed worker's sync runs again within
 * about a minute. Saving is idempotent, so a job that did partial work is safe to run again.
 */
export function createHeartbeat(db: Database, events: WorkerEvents, options: HeartbeatOptions = {}) {
  const processId = randomUUID();
  const workerIds = new Set<string>();
  // graphile-worker 0.17 locks jobs in the pool's name (its local queue) or, without one, in a
  // worker's; record both so force_unlock_workers frees whatever the process held.
  events.on("pool:create", ({ workerPool }) => workerIds.add(workerPool.id));
  events.on("worker:create", ({ worker }) => workerIds.add(worker.workerId));
  events.on("worker:stop", ({ worker }) => workerIds.delete(worker.workerId));

  let beating: Promise<void> = Promise.resolve();
  const tick = () => {
    beating = beat();
    return beating;
  };
  const beat = async () => {
    try {
      await beatHeart(db, {
        processId,
        workerIds: [...workerIds],
        hostname: os.hostname(),
        pid: process.pid,
        concurrency: options.concurrency ?? null,
      });
      const reaped = await reapDeadWorkers(db, options.staleAfterMs ?? 45_000);
      if (reaped.length > 0) options.onReap?.(reaped);
    } catch (error) {
      options.onError?.(error);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    processId,
    /** Call once the pool is running, so the first beat already names its workers. */
    start: async () => {
      await tick();
      timer = setInterval(() => void tick(), options.intervalMs ?? 10_000);
      timer.unref();
    },
    /**
     * Releases what a runner of this process left behind when it stopped on its own (the
     * database went away): its worker ids are recorded as a process long silent, and the reaper
     * does for them what it does for any dead process (open runs failed, claims freed, jobs
     * unlocked), so their jobs run again at once instead of after the stale delay.
     */
    reclaim: async (lostWorkerIds: string[]) => {
      for (const id of lostWorkerIds) workerIds.delete(id);
      if (lostWorkerIds.length > 0) {
        await db
          .insertInto("worker_heartbeats")
          .values({
            process_id: randomUUID(),
            worker_ids: lostWorkerIds,
            hostname: os.hostname(),
            pid: process.pid,
            last_seen_at: new Date(0),
          })
          .execute();
      }
      await beatHeart(db, {
        processId,
        workerIds: [...workerIds],
        hostname: os.hostname(),
        pid: process.pid,
        concurrency: options.concurrency ?? null,
      });
      const reaped = await reapDeadWorkers(db, options.staleAfterMs ?? 45_000);
      if (reaped.length > 0) options.onReap?.(reaped);
    },
    stop: async () => {
      clearInterval(timer);
      // A beat already on its way would write the row again after it is removed.
      await beating;
      await removeHeartbeat(db, processId).catch(() => {});
    },
  };
}
