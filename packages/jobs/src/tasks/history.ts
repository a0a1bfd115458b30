import { DEFAULT_RETENTION, pruneHistory, rollUpRuns } from "@synchub/db";
import { z } from "zod";
import { defineTask } from "../engine/defineTask.ts";

/** Upkeep that a missed occurrence does not need replaying: the next one catches up on its own. */
const noRetry = { delaysMs: [] };

/**
 * `runs.rollup` (a schedule row, every 5 minutes): counts finished runs into the rollups, so
 * /metrics and the Overview read a handful of rows plus the last few minutes of runs.
 */
export const runsRollupTask = defineTask({
  id: "runs.rollup",
  payload: z.object({}),
  timeoutMs: 5 * 60_000,
  retry: noRetry,
  run: async (_payload, io) => ({ rolledUp: await rollUpRuns(io.db) }),
});

/**
 * `history.prune` (a schedule row, hourly): deletes runs past SYNCHUB_RUN_RETENTION_DAYS once they
 * are rolled up, and closed dead letters and audit rows past their own retention.
 */
export const historyPruneTask = defineTask({
  id: "history.prune",
  payload: z.object({}),
  timeoutMs: 30 * 60_000,
  retry: noRetry,
  run: async (_payload, io) => ({ deleted: await pruneHistory(io.db, io.retention ?? DEFAULT_RETENTION) }),
});
