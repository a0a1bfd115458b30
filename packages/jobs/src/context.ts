import type { Database, RetentionPolicy } from "@synchub/db";
import type { SecretBox } from "@synchub/domain";

/** What every task needs from the process that runs it; the worker app builds it from its env. */
export interface TaskContext {
  db: Database;
  secrets: SecretBox;
  sync: SyncOptions;
  /** Stripe account whose subscriptions the stripe.subscriptions kind copies; unset, its runs sync nothing. */
  stripe?: StripeOptions;
  /** How long history is kept (SYNCHUB_RUN_RETENTION_DAYS and friends). (Default: DEFAULT_RETENTION) */
  retention?: RetentionPolicy;
}

export interface StripeOptions {
  /** Secret key (sk_live_... or sk_test_...). */
  secretKey: string;
  /** API origin. (Default: https://api.stripe.com) */
  baseUrl?: string;
}

export interface SyncOptions {
  /** Days of history the first sync of a connection fetches. (Default: 30) */
  backfillDays?: number;
  /** Longest one sync may run before it is aborted and retried. (Default: 10 minutes) */
  timeoutMs?: number;
  /** HTTP retries inside one sync for network errors, timeouts and 5xx. (Default: 3 tries, 2 s base) */
  httpRetry?: { attempts: number; baseDelayMs: number };
  /** Per-request HTTP timeout. (Default: 30 000 ms) */
  httpTimeoutMs?: number;
  /**
   * Longest wait for a rate-limit slot inside a running job; a longer one defers the job to when
   * budget returns instead of holding a worker. (Default: 5 000 ms)
   */
  maxInlineWaitMs?: number;
}
