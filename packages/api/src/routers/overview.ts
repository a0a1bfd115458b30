import {
  countNeedsAttention,
  hourlySyncRuns,
  listNeedsAttention,
  targetGroupHealth,
  workerLiveness,
} from "@synchub/db";
import { judgeWorkers, quantileFromBuckets, WORKER_SILENCE_MS } from "@synchub/domain";
import { sql } from "kysely";
import { judgeTargetGroups } from "../health.ts";
import { pageInput, readPage } from "../paging.ts";
import { procedureFor, router } from "../trpc.ts";

export const overviewRouter = router({
  /**
   * Health per pool and kind, sync runs per hour over the last 24 hours (from the rollups), the
   * queue and the counts the summary shows. Costs the same whatever the size of the run history.
   */
  summary: procedureFor("viewer").query(async ({ ctx }) => {
    const [groups, hourly, queue, deadLettersOpen, needsAttention, liveness] = await Promise.all([
      targetGroupHealth(ctx.db),
      hourlySyncRuns(ctx.db, 24),
      sql<{ task: string; waiting: number; active: number; delayed: number }>`
        select j.task_identifier as task,
          count(*) filter (where j.locked_at is null and j.run_at <= now())::int as waiting,
          count(*) filter (where j.locked_at is not null)::int as active,
          count(*) filter (where j.locked_at is null and j.run_at > now())::int as delayed
        from graphile_worker.jobs j
        group by 1 order by 1`.execute(ctx.db),
      sql<{ n: number }>`select count(*)::int as n from synchub.dead_letters where status = 'open'`.execute(
        ctx.db,
      ),
      countNeedsAttention(ctx.db),
      workerLiveness(ctx.db, WORKER_SILENCE_MS),
    ]);
    const now = Date.now();
    return {
      // The same judgement as GET /health/sync: no worker alive is Critical whatever the pools say.
      workers: { ...judgeWorkers(liveness.lastBeatAt, now), alive: liveness.alive },
      pools: judgeTargetGroups(groups, now),
      hourly: hourly.map((hour) => ({
        hour: hour.hour,
        succeeded: hour.succeeded,
        failed: hour.failed,
        // Estimated from the duration buckets, as Prometheus' histogram_quantile would.
        p95_seconds: quantileFromBuckets(hour.durationBuckets, 0.95),
      })),
      queue: queue.rows,
      deadLettersOpen: deadLettersOpen.rows[0]?.n ?? 0,
      needsAttention,
    };
  }),

  /**
   * Targets a person must look at, over all targets: paused by the engine after authentication
   * failures, failing, never succeeded in a whole interval, or with an open dead letter. Most
   * recently changed first. (Default: 50 a page)
   */
  needsAttention: procedureFor("viewer")
    .input(pageInput.optional())
    .query(({ ctx, input }) =>
      readPage(ctx, "needsAttention", input, (page) => listNeedsAttention(ctx.db, page)),
    ),
});
