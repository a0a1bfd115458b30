import type { CronItem, TaskList } from "graphile-worker";
import type { z } from "zod";
import type { TaskContext } from "./context.ts";
import { creditsPayload, runCreditsExpire, runCreditsGrant } from "./tasks/credits.ts";
import { retryDeadLetters } from "./tasks/deadLetterRetry.ts";
import {
  quotaPayload,
  runQuotaResetDaily,
  runQuotaResetMonthly,
  runStripeSync,
  stripeSyncPayload,
} from "./tasks/quotas.ts";
import { pruneLedgerIfDue, runScheduleTick } from "./tasks/scheduleTick.ts";
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
    "schedules.tick": async (_raw, helpers) => {
      const tick = await runScheduleTick(ctx);
      if (tick.enqueued > 0 || tick.skipped > 0) {
        helpers.logger.info(`schedules: enqueued ${tick.enqueued}, skipped ${tick.skipped} occurrence(s)`);
      }
      for (const { name, message } of tick.errors) helpers.logger.error(`schedule ${name}: ${message}`);
      await pruneLedgerIfDue(ctx);
    },
    // Enqueued by the "deadLetters.retry" schedule row (db/migrations/0003_flow_control_dead_letters.sql).
    "deadLetters.retry": async (_raw, helpers) => {
      const replayed = await retryDeadLetters(ctx);
      if (replayed.length > 0) helpers.logger.info(`replayed ${replayed.length} dead letter(s)`);
    },
    // Enqueued by the "credits.grant" and "credits.expire" schedule rows (db/migrations/0005_credits.sql).
    // A failed run throws so graphile-worker retries it; the grant's unique key keeps retries harmless.
    "credits.grant": async (raw, helpers) => {
      const payload = parsePayload("credits.grant", creditsPayload, raw);
      const run = await runCreditsGrant(ctx.db, { trigger: payload.trigger, now: optionalDate(payload.now) });
      if (!run.success) throw new Error(`credits.grant failed: ${run.error}`);
      helpers.logger.info(`credits.grant: ${JSON.stringify(run.results)}`);
    },
    "credits.expire": async (raw, helpers) => {
      const payload = parsePayload("credits.expire", creditsPayload, raw);
      const run = await runCreditsExpire(ctx.db, {
        trigger: payload.trigger,
        now: optionalDate(payload.now),
      });
      if (!run.success) throw new Error(`credits.expire failed: ${run.error}`);
      helpers.logger.info(`credits.expire: ${JSON.stringify(run.results)}`);
    },
    // Enqueued by the "quota.resetDaily", "quota.resetMonthly" and "stripe.syncSubscriptions"
    // schedule rows (db/migrations/0007_quotas.sql). Resets are idempotent per period, so retries are harmless.
    "quota.resetDaily": async (raw, helpers) => {
      const payload = parsePayload("quota.resetDaily", quotaPayload, raw);
      const results = await runQuotaResetDaily(ctx.db, {
        trigger: payload.trigger,
        now: optionalDate(payload.now),
      });
      helpers.logger.info(`quota.resetDaily: ${JSON.stringify(results)}`);
    },
    "quota.resetMonthly": async (raw, helpers) => {
      const payload = parsePayload("quota.resetMonthly", quotaPayload, raw);
      const results = await runQuotaResetMonthly(ctx.db, {
        trigger: payload.trigger,
        now: optionalDate(payload.now),
      });
      helpers.logger.info(`quota.resetMonthly: ${JSON.stringify(results)}`);
    },
    "stripe.syncSubscriptions": async (raw, helpers) => {
      const payload = parsePayload("stripe.syncSubscriptions", stripeSyncPayload, raw);
      const results = await runStripeSync(ctx.db, {
        trigger: payload.trigger,
        stripe: ctx.stripe,
        signal: helpers.abortSignal,
      });
      if (results === null)
        helpers.logger.info("stripe.syncSubscriptions: STRIPE_SECRET_KEY is not set, nothing to sync");
      else helpers.logger.info(`stripe.syncSubscriptions: ${JSON.stringify(results)}`);
    },
    // Enqueued by the "sync.tick" schedule row (db/migrations/0002_schedules.sql).
    "sync.tick": async (_raw, helpers) => {
      const enqueued = await enqueueDueSyncs(ctx);
      if (enqueued > 0) helpers.logger.info(`enqueued ${enqueued} due sync(s)`);
    },
  };
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

function parsePayload<T extends z.ZodType>(task: string, schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid payload for ${task}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
