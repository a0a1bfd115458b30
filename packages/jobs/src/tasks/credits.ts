/**
 * S4 credits: the monthly grant and the expiry sweep, as defined tasks. Each execution is a
 * job_runs row; `runCreditsGrant`/`runCreditsExpire` run one in the request of an external
 * scheduler and answer the shape it gets back (SPEC S4).
 */
import { type Database, expireCreditBatches, grantMonthlyCredits, type JobRunTrigger } from "@synchub/db";
import { defaultRetryPolicy } from "@synchub/domain";
import { z } from "zod";
import { defineTask, executeTask } from "../engine/defineTask.ts";

/** Payload of both credits tasks; `now` lets an operator re-run a past day. */
export const creditsPayload = z.object({ now: z.iso.datetime({ offset: true }).optional() });
export type CreditsPayload = z.infer<typeof creditsPayload>;

export interface CreditsRunOptions {
  trigger: JobRunTrigger;
  /** The run's clock, for tests and re-runs. (Default: now) */
  now?: Date;
}

export interface GrantCreditsResponse {
  success: boolean;
  jobId: string;
  /** The UTC day of the run, YYYY-MM-DD. */
  date: string;
  duration: number;
  results: { processed: number; successful: number; skipped: number; failed: number };
  error?: string;
}

export interface ExpireCreditsResponse {
  success: boolean;
  jobId: string;
  duration: number;
  results: { processedBatches: number; processedUsers: number; totalExpiredAmount: number };
  error?: string;
}

/** The grant period of an instant ('YYYY-MM', UTC) and when its credits expire (next month's start). */
export function grantPeriod(now: Date): { period: string; expiresAt: Date } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    period: `${year}-${String(month + 1).padStart(2, "0")}`,
    expiresAt: new Date(Date.UTC(year, month + 1, 1)),
  };
}

/**
 * Grants this month's credits to every active subscription not granted yet. Safe to run from
 * any number of schedulers at once: users granted by another run count as skipped.
 */
export const creditsGrantTask = defineTask({
  id: "credits.grant",
  payload: creditsPayload,
  timeoutMs: 5 * 60_000,
  retry: defaultRetryPolicy,
  async run(payload, io) {
    const { period, expiresAt } = grantPeriod(payload.now ? new Date(payload.now) : new Date());
    const counts = await grantMonthlyCredits(io.db, { period, expiresAt, runId: io.runId });
    return { ...counts, failed: 0 };
  },
});

/** Expires batches past their expiry and takes what was left in them off the balances. */
export const creditsExpireTask = defineTask({
  id: "credits.expire",
  payload: creditsPayload,
  timeoutMs: 5 * 60_000,
  retry: defaultRetryPolicy,
  run: (payload, io) =>
    expireCreditBatches(io.db, { now: payload.now ? new Date(payload.now) : new Date(), runId: io.runId }),
});

/** One grant in the caller's request (an external scheduler, a test), answered in the SPEC shape. */
export async function runCreditsGrant(
  db: Database,
  options: CreditsRunOptions,
): Promise<GrantCreditsResponse> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const run = await executeTask(
    creditsGrantTask,
    { db },
    { now: now.toISOString() },
    { trigger: options.trigger },
  );
  const date = now.toISOString().slice(0, 10);
  if (run.status === "succeeded") {
    return { success: true, jobId: run.runId, date, duration: elapsed(started), results: run.results };
  }
  // The grant is one statement: on error nothing was granted, so nobody counts as processed.
  const results = { processed: 0, successful: 0, skipped: 0, failed: 0 };
  return { success: false, jobId: run.runId, date, duration: elapsed(started), results, error: run.error };
}

/** One expiry sweep in the caller's request, answered in the SPEC shape. */
export async function runCreditsExpire(
  db: Database,
  options: CreditsRunOptions,
): Promise<ExpireCreditsResponse> {
  const started = performance.now();
  const now = (options.now ?? new Date()).toISOString();
  const run = await executeTask(creditsExpireTask, { db }, { now }, { trigger: options.trigger });
  if (run.status === "succeeded") {
    return { success: true, jobId: run.runId, duration: elapsed(started), results: run.results };
  }
  const results = { processedBatches: 0, processedUsers: 0, totalExpiredAmount: 0 };
  return { success: false, jobId: run.runId, duration: elapsed(started), results, error: run.error };
}

/** Credits tasks an HTTP caller may run synchronously, by task id. */
export const creditsTasks = {
  "credits.grant": runCreditsGrant,
  "credits.expire": runCreditsExpire,
} as const;

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
