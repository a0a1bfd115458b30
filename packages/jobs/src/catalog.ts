import type { CronItem, TaskList } from "graphile-worker";
import type { z } from "zod";
import type { TaskContext } from "./context.ts";
import { syncConnection, syncConnectionPayload } from "./tasks/syncConnection.ts";
import { enqueueDueSyncs } from "./tasks/syncTick.ts";

/**
 * Every task id with its payload schema. The payload is parsed at the start of each run:
 * a job enqueued by an older release (or by hand in SQL) fails loudly instead of half-running.
 */
export function createTaskList(ctx: TaskContext): TaskList {
  return {
    "sync.connection": async (raw, helpers) => {
      await syncConnection(ctx, parsePayload("sync.connection", syncConnectionPayload, raw), helpers);
    },
    "sync.tick": async (_raw, helpers) => {
      const enqueued = await enqueueDueSyncs(ctx);
      if (enqueued > 0) helpers.logger.info(`enqueued ${enqueued} due sync(s)`);
    },
  };
}

/** graphile-worker's crontab only ticks the schedulers; they create the per-item jobs. */
export const cronItems: CronItem[] = [
  {
    task: "sync.tick",
    match: "* * * * *",
    identifier: "sync.tick",
    // A tick that could not run is not worth replaying: the next one enqueues whatever is due.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: "sync.tick", jobKeyMode: "replace" },
  },
];

function parsePayload<T extends z.ZodType>(task: string, schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid payload for ${task}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
