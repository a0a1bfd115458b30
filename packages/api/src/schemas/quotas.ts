import { z } from "zod";
import { decimalNumber, oneOf, requiredText, wholeNumber } from "./fields.ts";

/** The metrics a quota counts (@synchub/db's quotaMetrics; a test keeps the two equal). */
export const quotaMetrics = ["uploads", "aiRequests", "storageBytes"] as const;
/** The tasks whose runs the Credits page lists (@synchub/db's creditTasks). */
export const creditTasks = ["credits.grant", "credits.expire"] as const;

export const userRefSchema = requiredText("Enter a user reference", 200);
const metric = oneOf(quotaMetrics);
// Counters are 32-bit for uploads and AI requests; storage amounts are checked against bigint.
const amount = wholeNumber({ min: 1, max: Number.MAX_SAFE_INTEGER, what: "Enter an amount" });

/** `quotas.consume`. */
export const consumeQuotaSchema = z.object({ userRef: userRefSchema, metric, amount });

/** `quotas.consumeBatch`: all or nothing. */
export const consumeQuotaBatchSchema = z.object({
  userRef: userRefSchema,
  items: z
    .array(z.object({ metric, amount }))
    .min(1, "Add at least one metric")
    .max(20, "Use at most 20 metrics"),
});

/** The reset form (`quotas.reset`): one user, or everyone with `all: true` (never by omission). */
export const resetQuotaSchema = z.union([
  z.object({ userRef: userRefSchema }).strict(),
  z.object({ all: z.literal(true, "Send all: true to reset every account, or a userRef") }).strict(),
]);

/** The near-limit filter (`quotas.nearLimit`). (Default: 80 %, 100 rows) */
export const nearLimitSchema = z.object({
  thresholdPercent: decimalNumber({ min: 0, max: 1000 }).optional(),
  limit: wholeNumber({ min: 1, max: 500 }).optional(),
});

/** The Credits page's run filter (`credits.runs`). (Default: 100 rows) */
export const creditRunsFilterSchema = z.object({
  task: oneOf(creditTasks).optional(),
  limit: wholeNumber({ min: 1, max: 500 }).optional(),
});

/** `credits.balances`. (Default: 20 holders) */
export const creditBalancesSchema = z.object({ limit: wholeNumber({ min: 1, max: 200 }).optional() });
