import DataLoader from "dataloader";

/**
 * Group commit: calls made while `maxInFlight` batches are already on their way to Postgres wait
 * and leave together as the next batch, in one round trip. An idle process sends each call at
 * once (no added delay); a busy one sends fewer, larger statements as load grows. DataLoader does
 * the collecting; this decides when a batch may leave.
 */
export function createGroupCommit<In, Out>(
  runBatch: (items: readonly In[]) => Promise<ReadonlyArray<Out | Error>>,
  options: { maxInFlight: number; maxBatchSize: number },
): (item: In) => Promise<Out> {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const loader = new DataLoader<In, Out>(
    async (items) => {
      try {
        return await runBatch(items);
      } finally {
        inFlight--;
        waiting.shift()?.();
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxBatchSize,
      // A batch takes its in-flight place when scheduled and gives it back when it settles.
      batchScheduleFn: (dispatch) => {
        if (inFlight < options.maxInFlight) {
          inFlight++;
          // setImmediate rather than the current tick: calls woken by the same round of I/O join in.
          setImmediate(dispatch);
        } else {
          waiting.push(() => {
            inFlight++;
            dispatch();
          });
        }
      },
    },
  );
  return (item) => loader.load(item);
}
