import { z } from "zod";

// Only the fields we use are required; unknown fields are ignored so additions on OpenAI's side
// do not break syncs.
export const costsResultSchema = z.object({
  amount: z.object({ value: z.number(), currency: z.string().min(1) }),
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
