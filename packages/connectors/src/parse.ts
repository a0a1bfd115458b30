import type { z } from "zod";
import { ProviderError } from "./errors.ts";

/**
 * Validates a provider response; a mismatch is a permanent ProviderError naming the first bad
 * field, since retrying will not change the provider's format.
 */
export function parseResponse<T extends z.ZodType>(
  schema: T,
  body: unknown,
  context: { provider: string; providerName: string; what: string },
): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "body";
  throw new ProviderError(
    `${context.providerName} returned ${context.what} in an unexpected shape (${where}: ${issue?.message ?? "invalid"})`,
    { provider: context.provider, kind: "permanent", code: "unexpected_response" },
  );
}
