import { providerSyncHealth } from "@synchub/db";
import { judgeProviderHealth } from "@synchub/domain";
import { sql } from "kysely";
import { procedureFor, router } from "../trpc.ts";

export const overviewRouter = router({
  /** Health per provider plus success rate and duration over the last 24 hours, by hour. */
  summary: procedureFor("viewer").query(async ({ ctx }) => {
    const [providers, hourly, queue, deadLettersOpen] = await Promise.all([
      providerSyncHealth(ctx.db),
      sql<{ hour: Date; succeeded: number; failed: number; p95_seconds: number | null }>`
        select date_trunc('hour', started_at) as hour,
          count(*) filter (where status = 'succeeded')::int as succeeded,
          count(*) filter (where status = 'failed')::int as failed,
          percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at))
            filter (where finished_at is not null and status in ('succeeded', 'failed'))::float8 as p95_seconds
        from synchub.runs
        where target_id is not null and started_at > now() - interval '24 hours'
        group by 1 order by 1`.execute(ctx.db),
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
    ]);
    const now = Date.now();
    return {
      providers: providers.map((facts) => ({ ...facts, ...judgeProviderHealth(facts, now) })),
      hourly: hourly.rows,
      queue: queue.rows,
      deadLettersOpen: deadLettersOpen.rows[0]?.n ?? 0,
    };
  }),
});
