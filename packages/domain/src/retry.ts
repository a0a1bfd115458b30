/**
 * Retry policy per task: how many times a transient failure is retried and after what delay.
 * graphile-worker's own backoff is exponential and fixed per job; these delays come from SPEC
 * (1, 5 and 15 minutes), and a deferral for rate-limit budget never counts as an attempt.
 */
export interface RetryPolicy {
  /** Delay before each retry; its length is the number of retries. */
  delaysMs: readonly number[];
}

const MINUTE = 60_000;

export const defaultRetryPolicy: RetryPolicy = { delaysMs: [1 * MINUTE, 5 * MINUTE, 15 * MINUTE] };

/** The delay before retry number `attempt` (the attempt that just failed, from 1), or null when spent. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number | null {
  return policy.delaysMs[attempt - 1] ?? null;
}

/** Dead letters retried by the periodic job: at most this many times, this many per pass. */
export const deadLetterAutoRetry = { maxRetries: 5, batchSize: 100, delayMs: 15 * MINUTE } as const;

/** Authentication failures in a row after which a connection is paused. */
export const authFailuresBeforePause = 3;
