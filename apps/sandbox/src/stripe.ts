import type { ServerResponse } from "node:http";
import type { ProviderRequestContext } from "./context.ts";
import { bearerToken, maskKey, seeded } from "./keys.ts";
import { sendJson, sendMalformed } from "./respond.ts";

const secretKeyPattern = /^sk_test_[A-Za-z0-9_]{4,}$/;
const revokedPrefix = "sk_test_revoked";
/**
 * The sandbox's only status outside the eight Stripe documents today. Stripe's enums are open ("new
 * values may appear even on older API versions", stripe-node CHANGELOG, #2786), so a listing must
 * survive one; the value itself is made up.
 */
export const sandboxFutureStatus = "pending_activation";
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
/** Since this version the billing period lives on the subscription's items, not on the subscription. */
export const stripeItemsPeriodSince = "2025-03-31";
/** What an account without a pinned version gets: Stripe answers in the account's default version. */
export const stripeAccountDefaultVersion = "2026-11-18.endive";
/** Keys starting with this belong to an account whose default version predates basil. */
export const stripeLegacyAccountPrefix = "sk_test_legacy";
const legacyAccountVersion = "2025-02-24.acacia";
const versionPattern = /^(\d{4}-\d{2}-\d{2})(\.[a-z]+)?$/;

interface SandboxSubscriptionItem {
  id: string;
  object: "subscription_item";
  price: { id: string; object: "price"; recurring: { interval: "month" } };
  quantity: number;
  current_period_start: number;
  current_period_end: number;
}

interface SandboxSubscription {
  id: string;
  object: "subscription";
  customer: string;
  status: string;
  current_period_start: number;
  current_period_end: number;
  items: { object: "list"; data: SandboxSubscriptionItem[]; has_more: false; url: string };
  metadata: { user_ref: string };
}

/**
 * Deterministic per key: 120 to 179 subscriptions (so a full listing takes two pages of 100),
 * for users `user_0001`, `user_0002`, ... Each status comes from the key and the index; every 25th
 * from the 13th is in `sandboxFutureStatus`. Every subscription has one or two items; a second item renews
 * later than the first (Stripe's flexible billing lets items keep their own periods). This is the
 * current shape; `inVersion` turns it into what a given API version answers.
 */
export function stripeSubscriptions(key: string): SandboxSubscription[] {
  const count = 120 + seeded(`${key}|count`, 60);
  const periodBase = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, "0");
    const id = `sub_${n}${seeded(`${key}|${i}|id`, 1_000_000).toString(36)}`;
    const end = Math.floor((periodBase + (1 + seeded(`${key}|${i}|end`, 365)) * dayMs) / 1000);
    const start = end - 30 * 86_400;
    const item = (k: number, itemEnd: number): SandboxSubscriptionItem => ({
      id: `si_${n}${k}`,
      object: "subscription_item",
      price: { id: `price_sandbox_${k}`, object: "price", recurring: { interval: "month" } },
      quantity: 1,
      current_period_start: itemEnd - 30 * 86_400,
      current_period_end: itemEnd,
    });
    const items = [item(1, end)];
    if (seeded(`${key}|${i}|items`, 3) === 0) items.push(item(2, end + 14 * 86_400));
    const future = i % 25 === 12;
    return {
      id,
      object: "subscription",
      customer: `cus_${n}`,
      status: future ? sandboxFutureStatus : statuses[seeded(`${key}|${i}|status`, statuses.length)]!,
      current_period_start: start,
      current_period_end: end,
      items: {
        object: "list",
        data: items,
        has_more: false,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      metadata: { user_ref: `user_${n}` },
    };
  });
}

/**
 * A subscription as the given API version shows it. Before 2025-03-31.basil the period sits on the
 * subscription and items have none; from basil on it sits on each item only.
 */
export function inVersion(subscription: SandboxSubscription, version: string): Record<string, unknown> {
  const { current_period_start, current_period_end, items, ...rest } = subscription;
  if (version.slice(0, 10) >= stripeItemsPeriodSince) return { ...rest, items };
  const oldItems = items.data.map(({ current_period_start: _s, current_period_end: _e, ...item }) => item);
  return { ...rest, current_period_start, current_period_end, items: { ...items, data: oldItems } };
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

  const pinned = req.headers["stripe-version"];
  const askedVersion = Array.isArray(pinned) ? pinned[0] : pinned;
  if (askedVersion !== undefined && !versionPattern.test(askedVersion.trim())) {
    return stripeError(res, 400, {
      type: "invalid_request_error",
      message: `Invalid Stripe API version: ${askedVersion}`,
    });
  }
  const version =
    askedVersion?.trim() ??
    (key.startsWith(stripeLegacyAccountPrefix) ? legacyAccountVersion : stripeAccountDefaultVersion);

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
  const data = all.slice(from, from + limit).map((subscription) => inVersion(subscription, version));
  const page = { object: "list", url: "/v1/subscriptions", has_more: from + limit < all.length, data };
  if (fault?.kind === "malformed") return sendMalformed(res, page);
  // Stripe names the version it answered in.
  sendJson(res, 200, page, { "stripe-version": version });
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
