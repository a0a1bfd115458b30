import type { ServerResponse } from "node:http";
import type { ProviderRequestContext } from "./context.ts";
import { bearerToken, maskKey, seeded } from "./keys.ts";
import { sendJson, sendMalformed } from "./respond.ts";

const secretKeyPattern = /^sk_test_[A-Za-z0-9_]{4,}$/;
const revokedPrefix = "sk_test_revoked";
const statuses = [
  "active",
  "active",
  "active",
  "active",
  "trialing",
  "past_due",
  "canceled",
  "unpaid",
] as const;
const defaultLimit = 10;
const maxLimit = 100;
const dayMs = 86_400_000;

interface SandboxSubscription {
  id: string;
  object: "subscription";
  customer: string;
  status: (typeof statuses)[number];
  current_period_end: number;
  metadata: { user_ref: string };
}

/**
 * Deterministic per key: 120 to 179 subscriptions (so a full listing takes two pages of 100),
 * for users `user_0001`, `user_0002`, ... Each status comes from the key and the index.
 */
export function stripeSubscriptions(key: string): SandboxSubscription[] {
  const count = 120 + seeded(`${key}|count`, 60);
  const periodBase = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, "0");
    return {
      id: `sub_${n}${seeded(`${key}|${i}|id`, 1_000_000).toString(36)}`,
      object: "subscription",
      customer: `cus_${n}`,
      status: statuses[seeded(`${key}|${i}|status`, statuses.length)]!,
      current_period_end: Math.floor((periodBase + (1 + seeded(`${key}|${i}|end`, 365)) * dayMs) / 1000),
      metadata: { user_ref: `user_${n}` },
    };
  });
}

/** GET /stripe/v1/subscriptions: Stripe's list endpoint with `starting_after` paging. */
export async function handleStripeSubscriptions(ctx: ProviderRequestContext): Promise<void> {
  const { req, res, url, faults } = ctx;
  const key = bearerToken(req.headers.authorization) ?? "";
  faults.countRequest(key);

  const startingAfter = url.searchParams.get("starting_after");
  const fault = faults.take(key, startingAfter !== null);
  switch (fault?.kind) {
    case "timeout":
      return ctx.hold(res);
    case "5xx":
      return stripeError(res, fault.status, { type: "api_error", message: "An unknown error occurred" });
    case "429":
      faults.countThrottled(key);
      return stripeError(
        res,
        429,
        {
          type: "rate_limit_error",
          code: "rate_limit",
          message: "Too many requests hit the API too quickly.",
        },
        { "retry-after": String(fault.retryAfterSeconds) },
      );
    case "latency":
      await ctx.sleep(fault.latencyMs);
      break;
  }

  if (!key) {
    return stripeError(res, 401, {
      type: "invalid_request_error",
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.",
    });
  }
  if (!secretKeyPattern.test(key) || key.startsWith(revokedPrefix)) {
    return stripeError(res, 401, {
      type: "invalid_request_error",
      code: "api_key_expired",
      message: `Invalid API Key provided: ${maskKey(key)}`,
    });
  }

  const rawLimit = url.searchParams.get("limit");
  const limit = rawLimit === null ? defaultLimit : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
  if (!(limit >= 1 && limit <= maxLimit)) {
    return stripeError(res, 400, {
      type: "invalid_request_error",
      code: "parameter_invalid_integer",
      param: "limit",
      message: `Invalid integer: ${rawLimit}; limit must be between 1 and ${maxLimit}`,
    });
  }
  const status = url.searchParams.get("status");
  let all = stripeSubscriptions(key);
  // Stripe leaves canceled subscriptions out unless asked for status=all (or status=canceled).
  if (status === null) all = all.filter((s) => s.status !== "canceled");
  else if (status !== "all") all = all.filter((s) => s.status === status);

  let from = 0;
  if (startingAfter !== null) {
    const index = all.findIndex((s) => s.id === startingAfter);
    if (index < 0) {
      return stripeError(res, 400, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "starting_after",
        message: `No such subscription: '${startingAfter}'`,
      });
    }
    from = index + 1;
  }
  const data = all.slice(from, from + limit);
  const page = { object: "list", url: "/v1/subscriptions", has_more: from + limit < all.length, data };
  if (fault?.kind === "malformed") return sendMalformed(res, page);
  sendJson(res, 200, page);
}

/** Stripe's error envelope: `{error: {type, code?, message, param?}}`. */
function stripeError(
  res: ServerResponse,
  status: number,
  error: { type: string; message: string; code?: string; param?: string },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error }, headers);
}
