import { findRun, listRuns } from "@synchub/db";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { notFound, procedureFor, router } from "../trpc.ts";
import { bigintId } from "./ids.ts";

export const runsRouter = router({
  /** A page of runs, newest first. */
  list: procedureFor("viewer")
    .input(
      z
        .object({
          connectionId: z.uuid().optional(),
          status: z.enum(["running", "succeeded", "failed", "deferred"]).optional(),
          /** (Default: "work", every run but the scheduler's ticks) */
          scope: z.enum(["work", "syncs", "jobs", "ticks", "all"]).optional(),
          ...pageFields,
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      readPage(ctx, "runs", input, (page) =>
        listRuns(ctx.db, {
          connectionId: input?.connectionId,
          status: input?.status,
          scope: input?.scope,
          ...page,
        }),
      ),
    ),

  byId: procedureFor("viewer")
    .input(z.object({ id: bigintId("Run") }))
    .query(async ({ ctx, input }) => {
      const run = await findRun(ctx.db, input.id);
      if (!run) throw notFound("run", input.id);
      return run;
    }),
});
