import { z } from "zod";
import { isDecimalString } from "../decimal.ts";

// Only the fields we use are required; unknown fields are ignored so additions on Anthropic's side
// do not break syncs.
export const costReportResultSchema = z.object({
  /** Lowest currency units (cents for USD) as a decimal string: "123.45" is $1.2345. */
  amount: z.string().refine(isDecimalString, "expected a decimal string"),
  currency: z.string().min(1),
  description: z.string().nullish(),
  cost_type: z.string().nullish(),
  model: z.string().nullish(),
  token_type: z.string().nullish(),
  workspace_id: z.string().nullish(),
});

export const costReportBucketSchema = z.object({
  starting_at: z.iso.datetime({ offset: true }),
  ending_at: z.iso.datetime({ offset: true }),
  results: z.array(costReportResultSchema),
});

export const costReportSchema = z.object({
  data: z.array(costReportBucketSchema),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export type CostReport = z.infer<typeof costReportSchema>;
export type CostReportBucket = z.infer<typeof costReportBucketSchema>;
export type CostReportResult = z.infer<typeof costReportResultSchema>;
