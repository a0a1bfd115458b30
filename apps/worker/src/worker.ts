import { EventEmitter } from "node:events";
import { createDb, createPool, type RetentionPolicy, resealUnboundCredentials } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import {
  applyStripeConfiguration,
  createTaskList,
  cronItems,
  type StripeOptions,
  type SyncOptions,
} from "@synchub/jobs";
import { parseCronItems, type RunnerOptions, run, type WorkerEvents } from "graphile-worker";
import { createHeartbeat, type HeartbeatOptions } from "./heartbeat.ts";
import { createLogger } from "./logger.ts";
import { startRestartingRunner } from "./restart.ts";

export interface StartWorkerOptions {
  connectionString: string;
  encryptionKey: string;
  /** Jobs run at once in this process. (Default: 4) */
  concurrency?: number;
  sync?: SyncOptions;
  /** Stripe account for the subscription sync. (Default: none, the sync does nothing) */
  stripe?: StripeOptions;
  /** How long runs, closed dead letters and audit rows are kept. (Default: 30, 30 and 365 days) */
  retention?: RetentionPolicy;
  heartbeat?: HeartbeatOptions;
  /** How often to look for due jobs besides LISTEN/NOTIFY wake-ups. (Default: 1 000 ms) */
  pollIntervalMs?: number;
  /** pino level: fatal, error, warn, info, debug, silent. (Default: LOG_LEVEL or "info") */
  logLevel?: string;
  /** Let graphile-worker handle SIGINT/SIGTERM itself. (Default: true) */
  handleSignals?: boolean;
}

/**
 * Runs graphile-worker with synchub's task catalog and crontab. On stop (or SIGINT/SIGTERM)
 * running jobs get their abort signal and unfinished ones are released for another worker.
 */
export async function startWorker(options: StartWorkerOptions) {
  const concurrency = options.concurrency ?? 4;
  // One pool for graphile-worker and the tasks' own queries: each running job needs a
  // connection for its work plus graphile-worker's bookkeeping.
  const pool = createPool({
    connectionString: options.connectionString,
    maxConnections: concurrency * 2 + 2,
    applicationName: "synchub-worker",
  });
  const db = createDb(pool);
  const events: WorkerEvents = new EventEmitter();
  const { root: log, graphileLogger } = createLogger(options.logLevel);
  const secrets = createSecretBox(options.encryptionKey);
  // Credentials sealed before they were bound to their connection are sealed again before any
  // sync opens them (the server does the same; whichever starts first does the work).
  const resealed = await resealUnboundCredentials(db, secrets);
  if (resealed > 0) log.info({ resealed }, "re-sealed stored credentials bound to their connection");
  // The Stripe subscription sync runs where a worker has a key, and says why it does not elsewhere.
  await applyStripeConfiguration(db, options.stripe !== undefined);
  const heartbeat = createHeartbeat(db, events, {
    concurrency,
    onReap: (processIds) =>
      log.warn({ processIds }, "released the jobs of worker processes that stopped beating"),
    onError: (error) => log.error({ err: error }, "heartbeat failed"),
    ...options.heartbeat,
  });
  const runnerOptions: RunnerOptions = {
    pgPool: pool,
    concurrency,
    events,
    logger: graphileLogger,
    // Signals stop the restarting runner below, not one graphile-worker runner.
    noHandleSignals: true,
    // Completions and failures go through graphile-worker's batcher, which retries them while
    // the database is away (for minutes); unbatched, one failed try is a promise rejection
    // nobody handles, and Node ends the process.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    pollInterval: options.pollIntervalMs ?? 1000,
    taskList: createTaskList({
      db,
      secrets,
      sync: options.sync ?? {},
      ...(options.stripe === undefined ? {} : { stripe: options.stripe }),
      ...(options.retention === undefined ? {} : { retention: options.retention }),
    }),
    parsedCronItems: parseCronItems(cronItems),
  };
  // Started again whenever it stops on its own (the database went away); see restart.ts.
  const runner = await startRestartingRunner({
    start: () => run(runnerOptions),
    events,
    pool,
    reclaim: heartbeat.reclaim,
    log,
  });
  await heartbeat.start();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= runner
      .stop()
      .catch(() => {})
      .then(() => heartbeat.stop())
      .then(() => pool.end());
    return stopped;
  };
  runner.promise.finally(() => void stop());
  if (options.handleSignals !== false) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stop());
  }
  return { runner, stop, promise: runner.promise, processId: heartbeat.processId };
}
