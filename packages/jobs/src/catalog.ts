import type { CronItem, TaskList } from "graphile-worker";
import { z } from "zod";
import type { TaskContext } from "./context.ts";
import { defineTask, type TaskDefinition, taskHandler } from "./engine/defineTask.ts";
import { creditsExpireTask, creditsGrantTask } from "./tasks/credits.ts";
import { retryDeadLetters } from "./tasks/deadLetterRetry.ts";
import { historyPruneTask, runsRollupTask } from "./tasks/history.ts";
import { quotaResetDailyTask, quotaResetMonthlyTask } from "./tasks/quotas.ts";
import { pruneLedgerIfDue, runScheduleTick } from "./tasks/scheduleTick.ts";
import { syncTarget, syncTargetPayload } from "./tasks/syncTarget.ts";
import { enqueueDueSyncs } from "./tasks/syncTick.ts";

/** A tick that failed is not retried: the next one, a minute later, handles whatever is due. */
const noRetry = { delaysMs: [] };

/**
 * `schedules.tick`, the only crontab entry: enqueues every due occurrence of every schedule row
 * (system jobs too), by each schedule's missed-run policy.
 */
export const scheduleTickTask = defineTask({
  id: "schedules.tick",
  payload: z.object({}),
  timeoutMs: 60_000,
  retry: noRetry,
  async run(_payload, io) {
    const tick = await runScheduleTick(io);
    const pruned = await pruneLedgerIfDue(io);
    // One broken schedule (a cron edited by hand in SQL) does not stop the others, nor fail the
    // tick every minute: it is named in the run's results.
    return {
      schedules: tick.schedules,
      enqueued: tick.enqueued,
      skipped: tick.skipped,
      pruned,
      errors: tick.errors,
    };
  },
});

/** `sync.tick` (a schedule row, every minute): enqueues every due sync in one statement. */
export const syncTickTask = defineTask({
  id: "sync.tick",
  payload: z.object({}),
  timeoutMs: 60_000,
  retry: noRetry,
  run: async (_payload, io) => ({ enqueued: await enqueueDueSyncs(io) }),
});

/** `deadLetters.retry` (a schedule row, every 5 minutes): replays transient dead letters due again. */
export const deadLetterRetryTask = defineTask({
  id: "deadLetters.retry",
  payload: z.object({}),
  timeoutMs: 60_000,
  retry: noRetry,
  run: async (_payload, io) => ({ replayed: (await retryDeadLetters(io)).length }),
});

/** Every business and system task, each through the one wrapper. */
export const definedTasks: TaskDefinition[] = [
  scheduleTickTask,
  syncTickTask,
  deadLetterRetryTask,
  creditsGrantTask,
  creditsExpireTask,
  quotaResetDailyTask,
  quotaResetMonthlyTask,
  runsRollupTask,
  historyPruneTask,
] as TaskDefinition[];

/**
 * Every task id with its handler. Payloads are parsed at the start of each run: a job enqueued by
 * an older release (or by hand in SQL) goes to the dead letters instead of half-running.
 */
export function createTaskList(ctx: TaskContext): TaskList {
  const syncTargetHandler: TaskList[string] = async (raw, helpers) => {
    const parsed = syncTargetPayload.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `Invalid payload for sync.target: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    await syncTarget(ctx, parsed.data, helpers);
  };
  const list: TaskList = {
    // The sync loop (runTarget) keeps its own run rows, retries and dead letters per target.
    "sync.target": syncTargetHandler,
    // Jobs enqueued before sync targets existed; their connection's target has the same id.
    "sync.connection": syncTargetHandler,
  };
  for (const definition of definedTasks) list[definition.id] = taskHandler(definition, ctx);
  return list;
}

/**
 * graphile-worker's crontab only ticks the scheduler; every recurring job, system jobs too, is a
 * row in synchub.schedules that the tick enqueues.
 */
export const cronItems: CronItem[] = [
  {
    task: "schedules.tick",
    match: "* * * * *",
    identifier: "schedules.tick",
    // A tick that could not run is not worth replaying: the next one handles whatever is due,
    // by each schedule's missed-run policy.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: "schedules.tick", jobKeyMode: "replace" },
  },
];
