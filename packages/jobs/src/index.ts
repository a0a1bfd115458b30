export * from "./catalog.ts";
export * from "./context.ts";
export { applyStripeConfiguration, STRIPE_ACCOUNT_TARGET_ID } from "./kinds/stripeSubscriptions.ts";
export * from "./tasks/credits.ts";
export * from "./tasks/quotas.ts";
export * from "./tasks/scheduleTick.ts";
export * from "./tasks/syncTarget.ts";
export * from "./tasks/syncTick.ts";
