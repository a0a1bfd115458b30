import { type Database, type PacingLimit, reserveRateLimit } from "@synchub/db";
import { Deferral } from "./deferral.ts";

/**
 * Returns the hook a connector calls before every HTTP request: it reserves a slot in each
 * pacing key (shared by all workers through Postgres) and waits for it when the wait is short;
 * a longer wait defers the whole job to when the budget returns.
 */
export function createPacer(
  db: Database,
  limits: PacingLimit[],
  options: {
    maxInlineWaitMs: number;
    /** Syncs of this provider that may run at once: how many reservations can be ahead of ours. */
    maxConcurrency: number;
    onWait?: (key: string, ms: number) => void;
  },
) {
  return async (signal?: AbortSignal): Promise<void> => {
    for (const limit of limits) {
      // A sync that holds one of the provider's slots always waits out the ordinary spacing of its
      // next call (at most one interval per concurrent sync ahead of it): deferring it there would
      // restart it from its first page, again and again. Only an exhausted hourly cap or a 429
      // pause, which lie further out, defer the job.
      const maxWaitMs = Math.max(options.maxInlineWaitMs, limit.minIntervalMs * (options.maxConcurrency + 1));
      const { granted, slot } = await reserveRateLimit(db, limit, maxWaitMs);
      if (!granted) {
        throw new Deferral(slot, `Rate limit ${limit.key} has no budget until ${slot.toISOString()}`);
      }
      const waitMs = slot.getTime() - Date.now();
      if (waitMs > 0) {
        options.onWait?.(limit.key, waitMs);
        await sleep(waitMs, signal);
      }
    }
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
