import { listWorkers } from "@synchub/db";
import { WORKER_SILENCE_MS } from "@synchub/domain";
import { procedureFor, router } from "../trpc.ts";

export const workersRouter = router({
  /**
   * The worker processes seen in the last 24 hours, the newest first: alive when they beat within
   * the silence that /health/sync allows, with the graphile-worker jobs each holds.
   */
  list: procedureFor("viewer").query(async ({ ctx }) => {
    const workers = await listWorkers(ctx.db, WORKER_SILENCE_MS);
    return workers.map(({ workerIds: _, ...worker }) => worker);
  }),
});
