import { listCreditRuns, summarizeCreditBalances } from "@synchub/db";
import { creditBalancesSchema, creditRunsFilterSchema } from "../schemas/index.ts";
import { procedureFor, router } from "../trpc.ts";

export const creditsRouter = router({
  /** Grant and expiry runs with their counts, newest first. (Default limit: 100) */
  runs: procedureFor("viewer")
    .input(creditRunsFilterSchema.optional())
    .query(({ ctx, input }) => listCreditRuns(ctx.db, input ?? {})),

  /** Balance totals and the users holding the most credits. (Default limit: 20) */
  balances: procedureFor("viewer")
    .input(creditBalancesSchema.optional())
    .query(({ ctx, input }) => summarizeCreditBalances(ctx.db, input?.limit)),
});
