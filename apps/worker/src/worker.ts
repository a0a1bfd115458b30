import { createDb, createPool } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import { createTaskList, cronItems, type SyncOptions } from "@synchub/jobs";
import { parseCronItems, run } from "graphile-worker";

export interface StartWorkerOptions {
  connectionString: string;
  encryptionKey: string;
  /** Jobs run at once in this process. (Default: 4) */
  concurrency?: number;
  sync?: SyncOptions;
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
  const runner = await run({
    pgPool: pool,
    concurrency,
    noHandleSignals: options.handleSignals === false,
    pollInterval: 1000,
    taskList: createTaskList({
      db,
      secrets: createSecretBox(options.encryptionKey),
      sync: options.sync ?? {},
    }),
    parsedCronItems: parseCronItems(cronItems),
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= runner.stop().then(() => pool.end());
    return stopped;
  };
  runner.promise.finally(() => void stop());
  return { runner, stop, promise: runner.promise };
}
