/**
 * S5 quotas: the daily and monthly counter resets and the hourly Stripe subscription sync, as
 * defined tasks (each execution is a job_runs row, which also feeds the queue statistics).
 */
import { createStripeClient } from "@synchub/connectors/stripe";
import {
  applySubscriptionStates,
  type Database,
  type JobRunTrigger,
  resetDailyQuotas,
  resetMonthlyQuotas,
  type SubscriptionState,
} from "@synchub/db";
import { defaultRetryPolicy } from "@synchub/domain";
import { z } from "zod";
import type { StripeOptions } from "../context.ts";
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

export interface StripeSyncResults {
  subscriptions: number;
  /** Subscriptions without metadata.user_ref, which name no account. */
  withoutUserRef: number;
  matched: number;
  unmatched: number;
}

/**
 * Reads every subscription from Stripe, then writes the statuses in one statement, so a failed
 * listing changes nothing. A rejected key is permanent (dead letter); 5xx and timeouts retry.
 */
export const stripeSyncTask = defineTask({
  id: "stripe.syncSubscriptions",
  payload: z.object({}),
  timeoutMs: 5 * 60_000,
  retry: defaultRetryPolicy,
  async run(_payload, io): Promise<StripeSyncResults | { skipped: string }> {
    const stripe = io.stripe;
    if (!stripe) return { skipped: "STRIPE_SECRET_KEY is not set: nothing to sync" };
    const client = createStripeClient({
      secretKey: stripe.secretKey,
      ...(stripe.baseUrl === undefined ? {} : { baseUrl: stripe.baseUrl }),
    });
    const states: SubscriptionState[] = [];
    let subscriptions = 0;
    for await (const page of client.subscriptionPages({ signal: io.signal })) {
      subscriptions += page.length;
      for (const s of page) {
        if (s.userRef !== null) states.push({ ...s, userRef: s.userRef });
      }
    }
    const applied = await applySubscriptionStates(io.db, states);
    return { subscriptions, withoutUserRef: subscriptions - states.length, ...applied };
  },
});

/** Runs the daily reset once in the caller's process (tests, scripts); throws when it fails. */
export function runQuotaResetDaily(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return once(quotaResetDailyTask, db, options, { now: options.now?.toISOString() });
}

/** Runs the monthly reset once in the caller's process; throws when it fails. */
export function runQuotaResetMonthly(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return once(quotaResetMonthlyTask, db, options, { now: options.now?.toISOString() });
}

/**
 * Runs the Stripe sync once in the caller's process; null without Stripe options (nothing to
 * sync, no run row); throws when it fails, after recording the failed run.
 */
export async function runStripeSync(
  db: Database,
  options: { trigger: JobRunTrigger; stripe: StripeOptions | undefined; signal?: AbortSignal },
): Promise<StripeSyncResults | null> {
  if (!options.stripe) return null;
  return (await once(stripeSyncTask, db, options, {})) as StripeSyncResults;
}

async function once<R extends object>(
  task: Parameters<typeof executeTask<z.ZodType, R>>[0],
  db: Database,
  options: { trigger: JobRunTrigger; stripe?: StripeOptions | undefined; signal?: AbortSignal },
  payload: object,
): Promise<R> {
  const run = await executeTask(task, { db, stripe: options.stripe }, payload, {
    trigger: options.trigger,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (run.status === "failed") throw new Error(run.error);
  return run.results;
}
