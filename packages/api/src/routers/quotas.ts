import {
  type ConsumeResult,
  consumeQuotaBatch,
  getQuotaStatus,
  listNearQuotaLimit,
  type QuotaMetric,
  queueStatistics,
  resetAllQuotas,
  resetQuotaUser,
} from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  consumeQuotaBatchSchema,
  consumeQuotaSchema,
  nearLimitSchema,
  resetQuotaSchema,
  userRefSchema,
} from "../schemas/index.ts";
import { procedureFor, router, withAudit } from "../trpc.ts";

/** The answer machine clients get: over the limit is an ordinary outcome, not an error. */
function answer(result: ConsumeResult, asked: QuotaMetric | null) {
  if (result.ok === false && result.reason === "unknown_user") {
    throw new TRPCError({ code: "NOT_FOUND", message: `No quota account for user ${result.userRef}` });
  }
  const pick = <T extends { metric: string }>(usage: T[]) =>
    asked === null ? {} : { ...usage.find((u) => u.metric === asked)! };
  if (result.ok) return { ok: true as const, ...pick(result.usage), usage: result.usage };
  return {
    ok: false as const,
    reason: result.reason,
    overLimit: result.overLimit,
    ...pick(result.usage),
    usage: result.usage,
  };
}

export const quotasRouter = router({
  /**
   * Consumes one metric atomically. `{ok: true, used, limit, remaining}`, or `{ok: false,
   * reason: 'over_limit', ...}` with nothing consumed. Machine clients call it with operator tokens.
   */
  consume: procedureFor("operator")
    .input(consumeQuotaSchema)
    .mutation(async ({ ctx, input }) =>
      answer(
        await consumeQuotaBatch(ctx.db, {
          userRef: input.userRef,
          items: [{ metric: input.metric, amount: input.amount }],
        }),
        input.metric,
      ),
    ),

  /** Consumes several metrics all-or-nothing. */
  consumeBatch: procedureFor("operator")
    .input(consumeQuotaBatchSchema)
    .mutation(async ({ ctx, input }) => answer(await consumeQuotaBatch(ctx.db, input), null)),

  status: procedureFor("viewer")
    .input(z.object({ userRef: userRefSchema }))
    .query(async ({ ctx, input }) => {
      const status = await getQuotaStatus(ctx.db, input.userRef);
      if (!status)
        throw new TRPCError({ code: "NOT_FOUND", message: `No quota account for user ${input.userRef}` });
      return status;
    }),

  /**
   * Clears every counter of one user, or of everyone with `all: true` (never by omission: an
   * empty input used to reset every account). Audited.
   */
  reset: procedureFor("operator")
    .input(resetQuotaSchema)
    .mutation(async ({ ctx, input }) => {
      if ("all" in input) {
        const accounts = await withAudit(
          ctx,
          { action: "quota.reset_all", objectType: "quota_account", objectId: "*" },
          // Audited even when there are no accounts: someone pressed the button.
          async (trx) => ({ accounts: await resetAllQuotas(trx) }),
        );
        return { reset: accounts.accounts };
      }
      const target = input.userRef;
      const done = await withAudit(
        ctx,
        { action: "quota.reset", objectType: "quota_account", objectId: target },
        (trx) => resetQuotaUser(trx, target),
      );
      if (!done) throw new TRPCError({ code: "NOT_FOUND", message: `No quota account for user ${target}` });
      return { reset: 1 };
    }),

  /**
   * Users whose usage of any metric is at or above `thresholdPercent` (default 80) of their plan's
   * limit: one row per user and metric, highest percentage first. (Default limit: 100)
   */
  nearLimit: procedureFor("viewer")
    .input(nearLimitSchema.optional())
    .query(({ ctx, input }) => listNearQuotaLimit(ctx.db, input ?? {})),

  /** Per task: waiting, active, completed (last 24 h), failed, delayed. */
  queueStats: procedureFor("viewer").query(({ ctx }) => queueStatistics(ctx.db)),
});
