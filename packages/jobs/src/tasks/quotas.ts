/**
 * S5 quotas: the daily and monthly counter resets and the hourly Stripe subscription sync. Each
 * run records a job_runs row (which also feeds the "completed" queue statistic).
 */
import { createStripeClient } from "@synchub/connectors/stripe";
import {
  applySubscriptionStates,
  type Database,
  finishJobRun,
  type JobRunTrigger,
  resetDailyQuotas,
  resetMonthlyQuotas,
  type SubscriptionState,
  startJobRun,
} from "@synchub/db";
import { z } from "zod";
import type { StripeOptions } from "../context.ts";

/** Payload of the quota tasks; `now` lets an operator re-run a past day. */
export const quotaPayload = z.object({
  trigger: z.enum(["schedule", "http", "manual", "qstash"]).default("schedule"),
  now: z.iso.datetime({ offset: true }).optional(),
});
export type QuotaPayload = z.infer<typeof quotaPayload>;

export const stripeSyncPayload = z.object({
  trigger: z.enum(["schedule", "http", "manual", "qstash"]).default("schedule"),
});

/** Clears upload counters of accounts whose day started before `now`'s UTC day. */
export function runQuotaResetDaily(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return recorded(db, "quota.resetDaily", options.trigger, async () => ({
    accountsReset: await resetDailyQuotas(db, options.now ?? new Date()),
  }));
}

/** Clears AI request counters of accounts whose month started before `now`'s UTC month. */
export function runQuotaResetMonthly(db: Database, options: { trigger: JobRunTrigger; now?: Date }) {
  return recorded(db, "quota.resetMonthly", options.trigger, async () => ({
    accountsReset: await resetMonthlyQuotas(db, options.now ?? new Date()),
  }));
}

export interface StripeSyncResults {
  subscriptions: number;
  /** Subscriptions without metadata.user_ref, which name no account. */
  withoutUserRef: number;
  matched: number;
  unmatched: number;
}

/**
 * Reads every subscription from Stripe, then writes the statuses in one statement, so a failed
 * listing changes nothing. Without Stripe options there is nothing to sync: returns null.
 */
export async function runStripeSync(
  db: Database,
  options: {
    trigger: JobRunTrigger;
    stripe: StripeOptions | undefined;
    signal?: AbortSignal;
    /** Longest the whole listing may take before the run fails and retries. (Default: 5 minutes) */
    timeoutMs?: number;
  },
): Promise<StripeSyncResults | null> {
  const stripe = options.stripe;
  if (!stripe) return null;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  return recorded(db, "stripe.syncSubscriptions", options.trigger, async () => {
    const client = createStripeClient({
      secretKey: stripe.secretKey,
      ...(stripe.baseUrl === undefined ? {} : { baseUrl: stripe.baseUrl }),
    });
    const states: SubscriptionState[] = [];
    let subscriptions = 0;
    for await (const page of client.subscriptionPages({ signal })) {
      subscriptions += page.length;
      for (const s of page) {
        if (s.userRef !== null) states.push({ ...s, userRef: s.userRef });
      }
    }
    const applied = await applySubscriptionStates(db, states);
    return { subscriptions, withoutUserRef: subscriptions - states.length, ...applied };
  });
}

/** Runs `work` inside a job_runs row; a failure is recorded and rethrown so the job retries. */
async function recorded<T extends object>(
  db: Database,
  task: string,
  trigger: JobRunTrigger,
  work: () => Promise<T>,
): Promise<T> {
  const runId = await startJobRun(db, task, trigger);
  try {
    const results = await work();
    await finishJobRun(db, runId, {
      status: "succeeded",
      results: { ...(results as Record<string, unknown>) },
    });
    return results;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishJobRun(db, runId, { status: "failed", error: message });
    throw error;
  }
}
