/**
 * When a connection that just failed should be tried again by the scheduler: its normal interval
 * after a success, otherwise an exponential backoff capped at the interval, so a broken account
 * is retried soon at first but never more often than it would sync when healthy... nor less.
 */
export function nextSyncDelayMs(input: {
  intervalMs: number;
  consecutiveFailures: number;
  /** First retry delay after a failure. (Default: 60 000 ms) */
  baseDelayMs?: number;
}): number {
  if (input.consecutiveFailures <= 0) return input.intervalMs;
  const base = input.baseDelayMs ?? 60_000;
  const backoff = base * 2 ** Math.min(input.consecutiveFailures - 1, 20);
  return Math.min(backoff, input.intervalMs);
}
