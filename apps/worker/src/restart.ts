import { setTimeout as sleep } from "node:timers/promises";
import type { Runner, WorkerEvents } from "graphile-worker";

/** A pg Pool, or anything that runs one SQL statement. */
export interface Queryable {
  query(text: string): Promise<unknown>;
}

export interface RestartingRunnerOptions {
  /** Starts one graphile-worker runner; called again after each stop the caller did not ask for. */
  start: () => Promise<Runner>;
  /** The events emitter every runner is started with, to learn each runner's worker ids. */
  events: WorkerEvents;
  /** The pool the runners share; asked `select 1` until the database answers again. */
  pool: Queryable;
  /**
   * Releases the jobs still locked by the worker ids of a runner that stopped on its own, and
   * closes the runs they left open, before a new runner starts.
   */
  reclaim: (workerIds: string[]) => Promise<void>;
  log: {
    info: (fields: object, message: string) => void;
    warn: (fields: object, message: string) => void;
  };
  /** Pause between two tries to reach the database or to start again. (Default: 1 000 ms) */
  retryDelayMs?: number;
}

export interface RestartingRunner {
  /** Stops the current runner (its jobs get their abort signal) and ends the restarts. */
  stop(): Promise<void>;
  /** Settles once stop() has finished; never because the database went away. */
  promise: Promise<void>;
  /** How many times a runner was started again after stopping on its own. */
  readonly restarts: number;
}

/**
 * graphile-worker's runner stops for good when it cannot record a finished job (its batched
 * completion gives up while the database is away) and its promise settles; nothing starts it
 * again, so a database restart used to leave the worker process idle or gone. This keeps one
 * runner alive: when it stops without being asked, wait for the database, reclaim what the dead
 * runner still held (jobs locked in its worker ids, its open runs and claims), start a new one.
 */
export async function startRestartingRunner(options: RestartingRunnerOptions): Promise<RestartingRunner> {
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  let workerIds = new Set<string>();
  let poolId: string | undefined;
  let stopping = false;
  // A pool that shut down without being asked is a dead runner, even when the runner's promise
  // never settles: after a failed completion graphile-worker can wait forever for its batcher,
  // leaving the process beating its heartbeat with no runner and its jobs locked.
  let poolDied: ((reason: unknown) => void) | undefined;
  options.events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
    poolId = workerPool.id;
  });
  options.events.on("worker:create", ({ worker }) => workerIds.add(worker.workerId));
  for (const event of [
    "pool:gracefulShutdown:complete",
    "pool:gracefulShutdown:error",
    "pool:forcefulShutdown:complete",
    "pool:forcefulShutdown:error",
  ] as const) {
    options.events.on(event, ({ workerPool }) => {
      if (!stopping && workerPool.id === poolId)
        poolDied?.(new Error(`worker pool ${workerPool.id}: ${event}`));
    });
  }

  let current = await options.start();
  let restarts = 0;
  const stopRequested = new AbortController();

  const supervise = async () => {
    for (;;) {
      const died = new Promise<unknown>((resolve) => {
        poolDied = resolve;
      });
      const outcome = await Promise.race([
        current.promise.then(
          () => undefined,
          (error: unknown) => error,
        ),
        died,
      ]);
      poolDied = undefined;
      if (stopping) return;
      // Releases its cron; its pool is already down. Not awaited: it may never settle.
      void current.stop().catch(() => {});
      const lost = [...workerIds];
      workerIds = new Set();
      options.log.warn(
        { err: outcome, workerIds: lost },
        "the job runner stopped on its own (database unavailable?); restarting it once the database answers",
      );
      for (;;) {
        await waitForDatabase(options.pool, retryDelayMs, stopRequested.signal);
        if (stopping) return;
        try {
          await options.reclaim(lost);
          current = await options.start();
          restarts += 1;
          options.log.info({ restarts }, "job runner restarted");
          break;
        } catch (error) {
          options.log.warn({ err: error }, "could not restart the job runner yet; trying again");
          await sleep(retryDelayMs, undefined, { signal: stopRequested.signal }).catch(() => {});
          if (stopping) return;
        }
      }
    }
  };
  const promise = supervise();

  return {
    get restarts() {
      return restarts;
    },
    promise,
    stop: async () => {
      if (!stopping) {
        stopping = true;
        stopRequested.abort();
        await current.stop().catch(() => {});
      }
      await promise;
    },
  };
}

async function waitForDatabase(pool: Queryable, retryDelayMs: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await pool.query("select 1");
      return;
    } catch {
      await sleep(retryDelayMs, undefined, { signal }).catch(() => {});
    }
  }
}
