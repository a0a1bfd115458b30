export { isProviderError, ProviderError, type ProviderErrorKind, parseRetryAfter } from "./errors.ts";
export { type RequestJsonOptions, type RetryOptions, requestJson } from "./http.ts";
export {
  type CostsClientOptions,
  type CredentialsFor,
  createCostsClient,
  credentialsSchemaFor,
  isProviderId,
  openaiCredentialsSchema,
  type ProviderId,
  type ProviderInfo,
  providerIdSchema,
  providerIds,
  providers,
} from "./providers.ts";
export type { CostLine, CostPagesInput, CostsClient } from "./types.ts";
