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

export const stripeSubscriptionItemSchema = z.object({
  // Where the period lives from API version 2025-03-31.basil on.
  current_period_end: z.number().int().nullish(),
});

export const stripeSubscriptionSchema = z.object({
  id: z.string().min(1),
  // An id, or the expanded customer object when the caller asked for expand[]=data.customer.
  customer: z.union([z.string().min(1), z.object({ id: z.string().min(1) })]),
  // Any string: Stripe's enums are open ("new values may appear even on older API versions",
  // stripe-node #2786), and one new status must not fail the whole listing.
  status: z.string().min(1),
  // Where the period lived before 2025-03-31.basil.
  current_period_end: z.number().int().nullish(),
  items: z.object({ data: z.array(stripeSubscriptionItemSchema) }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

export const subscriptionListSchema = z.object({
  object: z.literal("list"),
  data: z.array(stripeSubscriptionSchema),
  has_more: z.boolean(),
});

export type StripeSubscription = z.infer<typeof stripeSubscriptionSchema>;
/** One of the eight documented statuses, or "unknown" for anything else (the raw value is kept too). */
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema> | "unknown";
