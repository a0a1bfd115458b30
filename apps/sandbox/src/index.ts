export { type Fault, type FaultKind, faultKinds } from "./faults.ts";
export {
  defaultPacing,
  type PacingRule,
  type RateLimitState,
  type SandboxPacing,
  type SandboxProvider,
  sandboxProviders,
} from "./ratelimit.ts";
export { type RunningSandbox, type SandboxOptions, startSandbox } from "./server.ts";
export { stripeSubscriptions } from "./stripe.ts";
export { sandboxVolcengineSecretFor } from "./volcengine.ts";
