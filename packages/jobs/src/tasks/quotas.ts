/**
 * S5 quotas: the daily and monthly counter resets, as defined tasks (each execution is a run row,
 * which also feeds the queue statistics). The hourly Stripe subscription sync is a sync kind:
 * kinds/stripeSubscriptions.ts.
 */
import { type Database, type JobRunTrigger, resetDailyQuotas, resetMonthlyQuotas } from "@synchub/db";
import { defaultRetryPolicy } from "@synchub/domain";
import { z } from "zod";
import { defineTask, executeTask } from "../engine/defineTask.ts";

/** Payload of the quota resets; `now` lets an operator re-run a past day. */
export const quotaPayload = z.object({ now: z.iso.datetime({ offset: true }).optional() });
export type QuotaPayload = z.infer<typeof quotaPayload>;

/** Clears upload counters of accounts whose day started before `now`'s UTC day. Idempotent per day. */
export const quotaResetDailyTask = defineTask({
  id: "quota.resetDaily",
  payload: quotaPayload,
  timeoutMs: 5 * 60_000,
  retry: defaultRetryPolicy,
  run: async (payload, io) => ({
    accountsReset: await resetDailyQuotas(io.db, payload.now ? new Date(payload.now) : new Date()),
  }),
});

/** Clears AI request counters of accounts whose month started before `now`'s UTC month. Idempotent per month. */
export const quotaResetMonthlyTask = defineTask({
  id: "quota.resetMonthly",
  payload: quotaPayload,
  timeoutMs: 5 * 60_000,
  retry: defaultRetryPolicy,
  run: async (payload, io) => ({
    accountsReset: await resetMonthlyQuotas(io.db, payload.now ? new Date(payload.now) : new Date()),
  }),
});

/** Runs the daily reset once in the caller's process (tests, scripts); throws when it fails. */
export function runQuotaResetDaily(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return once(quotaResetDailyTask, db, options, { now: options.now?.toISOString() });
}

/** Runs the monthly reset once in the caller's process; throws when it fails. */
export function runQuotaResetMonthly(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return once(quotaResetMonthlyTask, db, options, { now: options.now?.toISOString() });
}

async function once<R extends object>(
  task: Parameters<typeof executeTask<z.ZodType, R>>[0],
  db: Database,
  options: { trigger: JobRunTrigger; signal?: AbortSignal },
  payload: object,
): Promise<R> {
  const run = await executeTask(task, { db }, payload, {
    trigger: options.trigger,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (run.status === "failed") throw new Error(run.error);
  return run.results;
}
