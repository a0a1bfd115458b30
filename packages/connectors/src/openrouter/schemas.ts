import { z } from "zod";

// Only the fields we use are required; unknown fields are ignored so additions on OpenRouter's
// side do not break syncs.
export const activityItemSchema = z.object({
  /** UTC day, YYYY-MM-DD (a trailing time, if ever sent, is ignored). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, "expected a date starting YYYY-MM-DD"),
  model: z.string().min(1),
  model_permaslug: z.string().nullish(),
  endpoint_id: z.string().nullish(),
  provider_name: z.string().nullish(),
  /** USD spent from OpenRouter credits. */
  usage: z.number().finite(),
  byok_usage_inference: z.number().nullish(),
  requests: z.number().nullish(),
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  reasoning_tokens: z.number().nullish(),
});

export const activityResponseSchema = z.object({ data: z.array(activityItemSchema) });

export const creditsResponseSchema = z.object({
  data: z.object({ total_credits: z.number().finite(), total_usage: z.number().finite() }),
});

export type ActivityItem = z.infer<typeof activityItemSchema>;
export type ActivityResponse = z.infer<typeof activityResponseSchema>;
export type CreditsResponse = z.infer<typeof creditsResponseSchema>;
