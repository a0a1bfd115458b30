/**
 * Upper bounds (seconds) of the run-duration buckets, then +Inf: the buckets of
 * synchub_sync_run_duration_seconds and of the rollups. synchub.duration_bucket() in migration
 * 0020 maps a duration to the same index; the two must change together.
 */
export const DURATION_BUCKETS_SECONDS = [0.1, 0.5, 1, 5, 15, 60, 300, 900] as const;

/**
 * The q-quantile of durations counted per bucket (one count per bound, then one for +Inf), by
 * linear interpolation inside the bucket it falls in, as Prometheus' histogram_quantile does.
 * Null when nothing was counted; the top bound when it falls in +Inf.
 */
export function quantileFromBuckets(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const [i, n] of counts.entries()) {
    if (n > 0 && below + n >= rank) {
      const upper = DURATION_BUCKETS_SECONDS[i];
      if (upper === undefined) return DURATION_BUCKETS_SECONDS[DURATION_BUCKETS_SECONDS.length - 1]!;
      const lower = i === 0 ? 0 : DURATION_BUCKETS_SECONDS[i - 1]!;
      return lower + (upper - lower) * ((rank - below) / n);
    }
    below += n;
  }
  return DURATION_BUCKETS_SECONDS[DURATION_BUCKETS_SECONDS.length - 1]!;
}
