export { isProviderError, ProviderError, type ProviderErrorKind, parseRetryAfter } from "./errors.ts";
export {
  type BeforeRequest,
  type HttpCall,
  type HttpCallObserver,
  observeHttpCalls,
  type RequestJsonOptions,
  type RetryOptions,
  requestJson,
} from "./http.ts";
export {
  anthropicCredentialsSchema,
  type CostsClientOptions,
  type CredentialsFor,
  createCostsClient,
  credentialsSchemaFor,
  isProviderId,
  openaiCredentialsSchema,
  openrouterCredentialsSchema,
  type ProviderId,
  type ProviderInfo,
  providerIdSchema,
  providerIds,
  providers,
  volcengineCredentialsSchema,
} from "./providers.ts";
export type { CostLine, CostPagesInput, CostsClient } from "./types.ts";
