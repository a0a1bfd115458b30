import { z } from "zod";
import { isDecimalString } from "../decimal.ts";

// Only the fields we use are required; unknown fields are ignored so additions on OpenAI's side
// do not break syncs.

/**
 * The spec says number, but live answers carry a decimal string for some organizations
 * (steipete/CodexBar#999: `"value": "12.50"`). Both are money: kept as given, never through a float.
 */
export const costAmountValueSchema = z.union([
  z.number().finite(),
  z.string().trim().refine(isDecimalString, "expected a number or a decimal string"),
]);

export const costsResultSchema = z.object({
  // Optional in the spec (only `object` is required); a result without an amount has no cost to keep.
  amount: z.object({ value: costAmountValueSchema, currency: z.string().min(1) }).nullish(),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
});

export const costsBucketSchema = z.object({
  start_time: z.number().int(),
  end_time: z.number().int(),
  results: z.array(costsResultSchema),
});

export const costsPageSchema = z.object({
  object: z.literal("page"),
  data: z.array(costsBucketSchema),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export type CostsPage = z.infer<typeof costsPageSchema>;
export type CostsBucket = z.infer<typeof costsBucketSchema>;
