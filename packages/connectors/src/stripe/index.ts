export {
  createStripeClient,
  mapSubscription,
  type StripeClient,
  type StripeClientOptions,
  type SubscriptionSummary,
  stripeDefaultBaseUrl,
} from "./client.ts";
export {
  type StripeSubscription,
  type SubscriptionStatus,
  stripeSubscriptionSchema,
  subscriptionListSchema,
  subscriptionStatusSchema,
} from "./schemas.ts";
