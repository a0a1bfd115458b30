import { z } from "zod";
import { httpUrl, oneOf, optionalText, requiredText, uuidOf, wholeNumber } from "./fields.ts";

/**
 * The providers a connection may use. A copy of @synchub/connectors' providerIds (whose module
 * also holds the HTTP clients); a test keeps the two equal.
 */
export const providerIds = ["openai", "anthropic", "openrouter", "volcengine"] as const;
export type ProviderId = (typeof providerIds)[number];

/** A tenant's tier, cheapest first. The same set as @synchub/domain's tiers (a test says so). */
export const tiers = ["free", "pro", "enterprise"] as const;
export type Tier = (typeof tiers)[number];

/** A non-blank string; missing, non-string and blank values all get the same clear message. */
function requiredSecret(message: string) {
  return z.string({ error: message }).trim().min(1, message);
}

/**
 * Each provider's credentials. Copies of @synchub/connectors' credentials schemas (the connector
 * parses again before it uses them); a test keeps fields and messages equal.
 */
const credentialsSchemas = {
  openai: z.object({ adminKey: requiredSecret("OpenAI admin key is required") }),
  anthropic: z.object({ adminKey: requiredSecret("Anthropic Admin API key (sk-ant-admin...) is required") }),
  openrouter: z.object({ apiKey: requiredSecret("OpenRouter management API key is required") }),
  volcengine: z.object({
    accessKeyId: requiredSecret("Volcano Engine access key id (AK) is required"),
    secretAccessKey: requiredSecret("Volcano Engine secret access key (SK) is required"),
  }),
} satisfies Record<ProviderId, z.ZodType>;

/** The credentials form of one provider: its fields and their messages. */
export function credentialsSchemaFor<P extends ProviderId>(provider: P): (typeof credentialsSchemas)[P] {
  return credentialsSchemas[provider];
}

const credentialsRecord = z.record(z.string(), z.unknown(), { error: "Enter the credentials" });

/** Adds the provider's credential issues under `credentials.<field>`, so the error names the field. */
function checkCredentials(provider: ProviderId, credentials: unknown, ctx: z.RefinementCtx) {
  const parsed = credentialsSchemaFor(provider).safeParse(credentials);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({
      code: "custom",
      path: ["credentials", ...issue.path.map(String)],
      message: issue.message,
    });
  }
}

export const connectionIdSchema = z.object({ id: uuidOf("Connection") });

const connectionName = requiredText("Enter a name", 200);

/** The Connections page's filters (its URL search params). */
export const connectionFilterSchema = z.object({
  status: oneOf(["active", "paused"]).optional(),
  syncStatus: oneOf(["pending", "running", "ok", "failed"]).optional(),
  provider: oneOf(providerIds).optional(),
  tier: oneOf(tiers).optional(),
  tenantId: uuidOf("Tenant").optional(),
  search: z.string().trim().max(200, "Use at most 200 characters").optional(),
  late: z.boolean().optional(),
});

/** New connection form (`connections.create`). */
export const createConnectionSchema = z
  .object({
    tenantId: z.uuid({ error: "Pick a tenant" }),
    provider: oneOf(providerIds),
    name: connectionName,
    // A form's empty field means the provider's public API.
    baseUrl: z.preprocess((value) => (value === "" ? null : value), httpUrl().nullish()),
    credentials: credentialsRecord,
  })
  .superRefine((value, ctx) => checkCredentials(value.provider, value.credentials, ctx));

/** Rename form (`connections.rename`). */
export const renameConnectionSchema = connectionIdSchema.extend({ name: connectionName });

/**
 * New credentials (`connections.rotateCredentials`). The provider is the connection's own, so the
 * server checks the fields once it has read it; a form that knows the provider uses
 * `rotateCredentialsSchemaFor(provider)` to check them as it is filled in.
 */
export const rotateCredentialsSchema = connectionIdSchema.extend({ credentials: credentialsRecord });

export function rotateCredentialsSchemaFor(provider: ProviderId) {
  return rotateCredentialsSchema.superRefine((value, ctx) =>
    checkCredentials(provider, value.credentials, ctx),
  );
}

/** Pause form (`connections.pause`): a reason is optional. */
export const pauseConnectionSchema = connectionIdSchema.extend({ reason: optionalText(500) });

/** A tenant's tier, which sets its connections' interval (`tenants.setTier`). */
export const setTenantTierSchema = z.object({ id: uuidOf("Tenant"), tier: oneOf(tiers) });

/** The chart on a connection's page (`connections.history`). (Default: 30 days) */
export const connectionHistorySchema = connectionIdSchema.extend({
  days: wholeNumber({ min: 1, max: 90 }).optional(),
});
