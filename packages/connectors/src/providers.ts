import { z } from "zod";
import { ProviderError } from "./errors.ts";
import type { RetryOptions } from "./http.ts";
import { createOpenAICostsClient, openaiDefaultBaseUrl } from "./openai/client.ts";
import type { CostsClient } from "./types.ts";

export const providerIds = ["openai"] as const;
export type ProviderId = (typeof providerIds)[number];

export const providerIdSchema = z.enum(providerIds);

export function isProviderId(value: unknown): value is ProviderId {
  return providerIdSchema.safeParse(value).success;
}

export const openaiCredentialsSchema = z.object({
  adminKey: z.string().trim().min(1, "OpenAI admin key is required"),
});

const credentialsSchemas = {
  openai: openaiCredentialsSchema,
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
  switch (provider) {
    case "openai":
      return createOpenAICostsClient({ adminKey: credentials.adminKey, ...options });
  }
}
