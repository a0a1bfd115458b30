import {
  type ConsumeResult,
  consumeQuotaBatch,
  getQuotaStatus,
  listNearQuotaLimit,
  queueStatistics,
  quotaMetrics,
  resetAllQuotas,
  resetQuotaUser,
} from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { procedureFor, router, withAudit } from "../trpc.ts";

const userRef = z.string().trim().min(1).max(200);
const metric = z.enum(quotaMetrics);
// Counters are 32-bit for uploads and AI requests; storage amounts are checked against bigint.
const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const item = z.object({ metric, amount });

/** The answer machine clients get: over the limit is an ordinary outcome, not an error. */
function answer(result: ConsumeResult, asked: z.infer<typeof metric> | null) {
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
    .input(z.object({ userRef, metric, amount }))
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
    .input(z.object({ userRef, items: z.array(item).min(1).max(20) }))
    .mutation(async ({ ctx, input }) => answer(await consumeQuotaBatch(ctx.db, input), null)),

  status: procedureFor("viewer")
    .input(z.object({ userRef }))
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
    .input(
      z.union([
        z.object({ userRef }).strict(),
        z.object({ all: z.literal(true, "Send all: true to reset every account, or a userRef") }).strict(),
      ]),
    )
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
    .input(
      z
        .object({
          thresholdPercent: z.number().min(0).max(1000).optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listNearQuotaLimit(ctx.db, input ?? {})),

  /** Per task: waiting, active, completed (last 24 h), failed, delayed. */
  queueStats: procedureFor("viewer").query(({ ctx }) => queueStatistics(ctx.db)),
});
