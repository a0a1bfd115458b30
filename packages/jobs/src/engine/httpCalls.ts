import { type HttpCall, observeHttpCalls } from "@synchub/connectors";
import { type Database, MAX_HTTP_CALLS_PER_RUN, recordRunHttpCalls } from "@synchub/db";

/**
 * Runs a run's work with every HTTP attempt its connectors make kept in memory (the first
 * MAX_HTTP_CALLS_PER_RUN, the rest counted), then saves them in one insert, whether the work
 * succeeded or not: the failed runs are the ones an operator opens. Saving is best effort: a
 * run is not failed for its call log (the database being down fails its bookkeeping anyway).
 */
export async function withHttpCallLog<T>(db: Database, runId: string, work: () => Promise<T>): Promise<T> {
  const calls: HttpCall[] = [];
  let dropped = 0;
  const observe = (call: HttpCall) => {
    if (calls.length < MAX_HTTP_CALLS_PER_RUN) calls.push(call);
    else dropped += 1;
  };
  try {
    return await observeHttpCalls(observe, work);
  } finally {
    if (calls.length > 0 || dropped > 0) {
      // A copy: a request still in flight after a timeout must not change what is being saved.
      await recordRunHttpCalls(db, runId, [...calls], dropped).catch(() => {});
    }
  }
}
