import { findRun, listRuns } from "@synchub/db";
import { z } from "zod";
import { notFound, procedureFor, router } from "../trpc.ts";
import { bigintId } from "./ids.ts";

export const runsRouter = router({
  list: procedureFor("viewer")
    .input(
      z
        .object({
          connectionId: z.uuid().optional(),
          status: z.enum(["running", "succeeded", "failed", "deferred"]).optional(),
          /** (Default: "work", every run but the scheduler's ticks) */
          scope: z.enum(["work", "syncs", "jobs", "ticks", "all"]).optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listRuns(ctx.db, input ?? {})),

  byId: procedureFor("viewer")
    .input(z.object({ id: bigintId("Run") }))
    .query(async ({ ctx, input }) => {
      const run = await findRun(ctx.db, input.id);
      if (!run) throw notFound("run", input.id);
      return run;
    }),
});
