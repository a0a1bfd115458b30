import { creditTasks, listCreditRuns, summarizeCreditBalances } from "@synchub/db";
import { z } from "zod";
import { procedureFor, router } from "../trpc.ts";

export const creditRunsFilterSchema = z.object({
  task: z.enum(creditTasks).optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

export const creditsRouter = router({
  /** Grant and expiry runs with their counts, newest first. (Default limit: 100) */
  runs: procedureFor("viewer")
    .input(creditRunsFilterSchema.optional())
    .query(({ ctx, input }) => listCreditRuns(ctx.db, input ?? {})),

  /** Balance totals and the users holding the most credits. (Default limit: 20) */
  balances: procedureFor("viewer")
    .input(z.object({ limit: z.number().int().min(1).max(200).optional() }).optional())
    .query(({ ctx, input }) => summarizeCreditBalances(ctx.db, input?.limit)),
});
