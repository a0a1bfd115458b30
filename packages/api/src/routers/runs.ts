import { findRun, listRunHttpCalls, listRuns, RUN_TRIGGERS, runFilterOptions } from "@synchub/db";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { notFound, procedureFor, router } from "../trpc.ts";
import { bigintId } from "./ids.ts";

/** The filters of the run history (the admin keeps them in its URL). */
export const runFilterSchema = z
  .object({
    connectionId: z.uuid().optional(),
    status: z.enum(["running", "succeeded", "failed", "deferred"]).optional(),
    /** (Default: "work", every run but the scheduler's ticks) */
    scope: z.enum(["work", "syncs", "jobs", "ticks", "all"]).optional(),
    /** A target kind: "llm.costs", "stripe.subscriptions", ... */
    kind: z.string().trim().min(1).max(200).optional(),
    /** A task: "sync.target", "credits.grant", ... */
    task: z.string().trim().min(1).max(200).optional(),
    trigger: z.enum(RUN_TRIGGERS).optional(),
    /** Runs started at or after this instant. (Default: no lower bound) */
    from: z.coerce.date().optional(),
    /** Runs started before this instant. (Default: no upper bound) */
    to: z.coerce.date().optional(),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    path: ["to"],
    message: "The end of the range is before its start",
  });

export const runsRouter = router({
  /** A page of runs, newest first. */
  list: procedureFor("viewer")
    .input(z.intersection(runFilterSchema, z.object(pageFields)).optional())
    .query(({ ctx, input }) =>
      readPage(ctx, "runs", input, (page) =>
        listRuns(ctx.db, {
          connectionId: input?.connectionId,
          status: input?.status,
          scope: input?.scope,
          kind: input?.kind,
          task: input?.task,
          trigger: input?.trigger,
          from: input?.from,
          to: input?.to,
          ...page,
        }),
      ),
    ),

  /** The task names and target kinds to offer as filters of the list (not every run's: a bounded source). */
  filterOptions: procedureFor("viewer").query(async ({ ctx }) => ({
    ...(await runFilterOptions(ctx.db)),
    triggers: [...RUN_TRIGGERS],
  })),

  byId: procedureFor("viewer")
    .input(z.object({ id: bigintId("Run") }))
    .query(async ({ ctx, input }) => {
      const run = await findRun(ctx.db, input.id);
      if (!run) throw notFound("run", input.id);
      return run;
    }),

  /**
   * Every HTTP attempt the run's connectors made, in the order they started (at most 100; the
   * others are counted in `dropped`). No headers, bodies or query values are kept.
   */
  httpCalls: procedureFor("viewer")
    .input(z.object({ runId: bigintId("Run") }))
    .query(async ({ ctx, input }) => {
      const calls = await listRunHttpCalls(ctx.db, input.runId);
      if (!calls) throw notFound("run", input.runId);
      return calls;
    }),
});
