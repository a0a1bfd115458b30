import { z } from "zod";

// Only the fields we use are required; Stripe adds fields often and that must not break the sync.
export const subscriptionStatusSchema = z.enum([
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "paused",
]);

export const stripeSubscriptionSchema = z.object({
  id: z.string().min(1),
  // An id, or the expanded customer object when the caller asked for expand[]=data.customer.
  customer: z.union([z.string().min(1), z.object({ id: z.string().min(1) })]),
  status: subscriptionStatusSchema,
  // Newer API versions moved the period onto subscription items; absent means unknown.
  current_period_end: z.number().int().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

export const subscriptionListSchema = z.object({
  object: z.literal("list"),
  data: z.array(stripeSubscriptionSchema),
  has_more: z.boolean(),
});

export type StripeSubscription = z.infer<typeof stripeSubscriptionSchema>;
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;
