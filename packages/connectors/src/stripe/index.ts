export {
  createStripeClient,
  mapSubscription,
  type StripeClient,
  type StripeClientOptions,
  type SubscriptionSummary,
  stripeApiVersion,
  stripeDefaultBaseUrl,
} from "./client.ts";
export {
  type StripeSubscription,
  type SubscriptionStatus,
  stripeSubscriptionItemSchema,
  stripeSubscriptionSchema,
  subscriptionListSchema,
  subscriptionStatusSchema,
} from "./schemas.ts";
