import {
  countNeedsAttention,
  hourlySyncRuns,
  listNeedsAttention,
  listRecentFailures,
  queueStatistics,
  targetGroupHealth,
} from "@synchub/db";
import { quantileFromBuckets } from "@synchub/domain";
import { sql } from "kysely";
import { judgedWorkers, judgeTargetGroups } from "../health.ts";
import { pageInput, readPage } from "../paging.ts";
import { overviewRangeHours, overviewSummarySchema, recentFailuresSchema } from "../schemas/index.ts";
import { procedureFor, router } from "../trpc.ts";

export const overviewRouter = router({
  /**
   * Health per pool and kind, sync runs per hour over `range` (1h, 24h, 7d or 30d; from the
   * rollups) with their totals (`runs`), the queue and the counts the summary shows. Costs the
   * same whatever the size of the run history. (Default: 24h)
   */
  summary: procedureFor("viewer")
    .input(overviewSummarySchema.optional())
    .query(async ({ ctx, input }) => {
      const now = Date.now();
      const range = input?.range ?? "24h";
      const [groups, hourly, queue, deadLettersOpen, needsAttention, workers] = await Promise.all([
        targetGroupHealth(ctx.db),
        hourlySyncRuns(ctx.db, overviewRangeHours[range]),
        queueStatistics(ctx.db),
        sql<{ n: number }>`select count(*)::int as n from synchub.dead_letters where status = 'open'`.execute(
          ctx.db,
        ),
        countNeedsAttention(ctx.db),
        judgedWorkers(ctx.db, now),
      ]);
      return {
        range,
        runs: {
          succeeded: hourly.reduce((sum, hour) => sum + hour.succeeded, 0),
          failed: hourly.reduce((sum, hour) => sum + hour.failed, 0),
        },
        // The same judgement as GET /health/sync: no worker alive is Critical whatever the pools say.
        workers,
        pools: judgeTargetGroups(groups, now),
        hourly: hourly.map((hour) => ({
          hour: hour.hour,
          succeeded: hour.succeeded,
          failed: hour.failed,
          // Estimated from the duration buckets, as Prometheus' histogram_quantile would.
          p95_seconds: quantileFromBuckets(hour.durationBuckets, 0.95),
        })),
        queue,
        deadLettersOpen: deadLettersOpen.rows[0]?.n ?? 0,
        needsAttention,
      };
    }),

  /**
   * The latest failed runs of any task, newest first, with the target's name, the task, the
   * error and when it finished. (Default: 10, at most 50)
   */
  recentFailures: procedureFor("viewer")
    .input(recentFailuresSchema.optional())
    .query(({ ctx, input }) => listRecentFailures(ctx.db, input?.limit ?? 10)),

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
