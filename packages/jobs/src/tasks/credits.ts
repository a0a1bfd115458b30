/**
 * S4 credits: the monthly grant and the expiry sweep. Each run records a job_runs row and
 * answers the shape external schedulers get back (SPEC S4), whoever triggered it.
 */
import {
  type Database,
  expireCreditBatches,
  finishJobRun,
  grantMonthlyCredits,
  type JobRunTrigger,
  startJobRun,
} from "@synchub/db";
import { z } from "zod";

/** Payload of both credits tasks; `now` lets an operator re-run a past day. */
export const creditsPayload = z.object({
  trigger: z.enum(["schedule", "http", "manual", "qstash"]).default("schedule"),
  now: z.iso.datetime({ offset: true }).optional(),
});
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
export async function runCreditsGrant(
  db: Database,
  options: CreditsRunOptions,
): Promise<GrantCreditsResponse> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const jobId = await startJobRun(db, "credits.grant", options.trigger);
  const date = now.toISOString().slice(0, 10);
  try {
    const { period, expiresAt } = grantPeriod(now);
    const counts = await grantMonthlyCredits(db, { period, expiresAt, jobRunId: jobId });
    const results = { ...counts, failed: 0 };
    await finishJobRun(db, jobId, { status: "succeeded", results });
    return { success: true, jobId, date, duration: elapsed(started), results };
  } catch (error) {
    // The grant is one statement: on error nothing was granted, so nobody counts as processed.
    const results = { processed: 0, successful: 0, skipped: 0, failed: 0 };
    const message = error instanceof Error ? error.message : String(error);
    await finishJobRun(db, jobId, { status: "failed", results, error: message });
    return { success: false, jobId, date, duration: elapsed(started), results, error: message };
  }
}

/** Expires batches past their expiry and takes what was left in them off the balances. */
export async function runCreditsExpire(
  db: Database,
  options: CreditsRunOptions,
): Promise<ExpireCreditsResponse> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const jobId = await startJobRun(db, "credits.expire", options.trigger);
  try {
    const results = await expireCreditBatches(db, { now, jobRunId: jobId });
    await finishJobRun(db, jobId, { status: "succeeded", results: { ...results } });
    return { success: true, jobId, duration: elapsed(started), results };
  } catch (error) {
    const results = { processedBatches: 0, processedUsers: 0, totalExpiredAmount: 0 };
    const message = error instanceof Error ? error.message : String(error);
    await finishJobRun(db, jobId, { status: "failed", results, error: message });
    return { success: false, jobId, duration: elapsed(started), results, error: message };
  }
}

/** Credits tasks an HTTP caller may run synchronously, by task id. */
export const creditsTasks = {
  "credits.grant": runCreditsGrant,
  "credits.expire": runCreditsExpire,
} as const;

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
