import { z } from "zod";
import { anthropicDefaultBaseUrl, createAnthropicCostsClient } from "./anthropic/client.ts";
import { ProviderError } from "./errors.ts";
import type { BeforeRequest, RetryOptions } from "./http.ts";
import { createOpenAICostsClient, openaiDefaultBaseUrl } from "./openai/client.ts";
import { createOpenRouterCostsClient, openrouterDefaultBaseUrl } from "./openrouter/client.ts";
import type { CostsClient } from "./types.ts";
import { createVolcengineCostsClient, volcengineDefaultBaseUrl } from "./volcengine/client.ts";

export const providerIds = ["openai", "anthropic", "openrouter", "volcengine"] as const;
export type ProviderId = (typeof providerIds)[number];

export const providerIdSchema = z.enum(providerIds);

export function isProviderId(value: unknown): value is ProviderId {
  return providerIdSchema.safeParse(value).success;
}

/** A non-blank string; missing, non-string and blank values all get the same clear message. */
function requiredString(message: string) {
  return z.string({ error: message }).trim().min(1, message);
}

export const openaiCredentialsSchema = z.object({
  adminKey: requiredString("OpenAI admin key is required"),
});

export const anthropicCredentialsSchema = z.object({
  adminKey: requiredString("Anthropic Admin API key (sk-ant-admin...) is required"),
});

export const openrouterCredentialsSchema = z.object({
  apiKey: requiredString("OpenRouter management API key is required"),
});

export const volcengineCredentialsSchema = z.object({
  accessKeyId: requiredString("Volcano Engine access key id (AK) is required"),
  secretAccessKey: requiredString("Volcano Engine secret access key (SK) is required"),
});

const credentialsSchemas = {
  openai: openaiCredentialsSchema,
  anthropic: anthropicCredentialsSchema,
  openrouter: openrouterCredentialsSchema,
  volcengine: volcengineCredentialsSchema,
} satisfies Record<ProviderId, z.ZodType>;

export type CredentialsFor<P extends ProviderId> = z.infer<(typeof credentialsSchemas)[P]>;

/** The zod schema of the credentials a provider needs; its issues name the missing field. */
export function credentialsSchemaFor<P extends ProviderId>(provider: P): (typeof credentialsSchemas)[P] {
  return credentialsSchemas[provider];
}

export interface ProviderInfo {
  id: ProviderId;
  /** Used in messages and the admin UI. */
  displayName: string;
  defaultBaseUrl: string;
}

export const providers: Record<ProviderId, ProviderInfo> = {
  openai: { id: "openai", displayName: "OpenAI", defaultBaseUrl: openaiDefaultBaseUrl },
  anthropic: { id: "anthropic", displayName: "Anthropic", defaultBaseUrl: anthropicDefaultBaseUrl },
  openrouter: { id: "openrouter", displayName: "OpenRouter", defaultBaseUrl: openrouterDefaultBaseUrl },
  volcengine: { id: "volcengine", displayName: "Volcano Engine", defaultBaseUrl: volcengineDefaultBaseUrl },
};

export interface CostsClientOptions {
  /** API origin; point it at another host (e.g. the sandbox) for tests. (Default: the provider's public API) */
  baseUrl?: string;
  /** Buckets or rows per page, where the provider supports it. (Default: provider-specific) */
  pageLimit?: number;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /**
   * Awaited before every HTTP request, retries included, with the call's signal; used to pace calls
   * through a shared rate limit. Whatever it throws ends `pages()` unchanged. (Default: none)
   */
  beforeRequest?: BeforeRequest;
  /** Aborts every request of this client, in addition to the per-call signal. (Default: none) */
  signal?: AbortSignal;
}

/**
 * A costs client for any provider. Credentials are validated here as well as at the API, since
 * they come back decrypted from storage: invalid ones throw a permanent ProviderError with code
 * "missing_credentials" that names the field.
 */
export function createCostsClient<P extends ProviderId>(
  provider: P,
  credentials: CredentialsFor<P>,
  options: CostsClientOptions = {},
): CostsClient {
  const parsed = credentialsSchemaFor(provider).safeParse(credentials);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "credentials"}: ${issue.message}`)
      .join("; ");
    throw new ProviderError(
      `${providers[provider].displayName} credentials are missing or invalid (${fields})`,
      {
        provider,
        kind: "permanent",
        code: "missing_credentials",
      },
    );
  }
  const { signal: clientSignal, ...rest } = options;
  const client = buildClient(provider, parsed.data, rest);
  if (!clientSignal) return client;
  return {
    pages: (input) =>
      client.pages({
        ...input,
        signal: input.signal ? AbortSignal.any([clientSignal, input.signal]) : clientSignal,
      }),
  };
}

function buildClient(
  provider: ProviderId,
  credentials: CredentialsFor<ProviderId>,
  options: Omit<CostsClientOptions, "signal">,
): CostsClient {
  // The switch narrows nothing on `credentials` (its type is the union), so each case re-reads
  // the fields its schema guarantees.
  const fields = credentials as Record<string, string>;
  const { pageLimit, ...common } = options;
  switch (provider) {
    case "openai":
      return createOpenAICostsClient({ adminKey: fields.adminKey!, ...options });
    case "anthropic":
      return createAnthropicCostsClient({ adminKey: fields.adminKey!, ...options });
    case "openrouter":
      // Activity is one request per day; there is no page size to choose.
      return createOpenRouterCostsClient({ apiKey: fields.apiKey!, ...common });
    case "volcengine":
      return createVolcengineCostsClient({
        accessKeyId: fields.accessKeyId!,
        secretAccessKey: fields.secretAccessKey!,
        ...options,
      });
  }
}
