import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { nextPageCursor } from "../paging.ts";
import { parseResponse } from "../parse.ts";
import {
  type StripeSubscription,
  type SubscriptionStatus,
  subscriptionListSchema,
  subscriptionStatusSchema,
} from "./schemas.ts";

const provider = "stripe";
const providerName = "Stripe";

export const stripeDefaultBaseUrl = "https://api.stripe.com";
/**
 * The API version this client is written for, sent as Stripe-Version on every request. Without it
 * Stripe answers in the account's default version, whatever shape that has; from this version on the
 * billing period is on the subscription's items (https://docs.stripe.com/changelog/basil).
 */
export const stripeApiVersion = "2025-03-31.basil";

export interface StripeClientOptions {
  /** Secret key (sk_live_... or sk_test_...). Never logged or put in error messages. */
  secretKey: string;
  /** API origin, without the /v1 path. (Default: https://api.stripe.com) */
  baseUrl?: string;
  /** Subscriptions requested per page, 1 to 100. (Default: 100) */
  pageLimit?: number;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /** Awaited before every HTTP request, retries included, e.g. to pace calls. (Default: none) */
  beforeRequest?: BeforeRequest;
  /**
   * Stripe-Version to pin. Versions before 2025-03-31.basil put the period on the subscription, and
   * it is read from there. (Default: `stripeApiVersion`, "2025-03-31.basil")
   */
  apiVersion?: string;
}

/** A subscription as synchub keeps it. */
export interface SubscriptionSummary {
  id: string;
  customer: string;
  /** One of the eight documented statuses, or "unknown" when Stripe sent another. */
  status: SubscriptionStatus;
  /** The status exactly as Stripe sent it. */
  rawStatus: string;
  /** End of the current billing period; null when Stripe does not say. */
  currentPeriodEnd: Date | null;
  /** The host app's user id from `metadata.user_ref`; null when the subscription has none. */
  userRef: string | null;
}

export interface StripeClient {
  /** Every subscription, canceled ones included, one array per page of the listing. */
  subscriptionPages(input?: { signal?: AbortSignal }): AsyncGenerator<SubscriptionSummary[]>;
}

/** Client for GET /v1/subscriptions?status=all, following `has_more` with `starting_after`. */
export function createStripeClient(options: StripeClientOptions): StripeClient {
  const pageLimit = options.pageLimit ?? 100;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 100) {
    throw new RangeError(`pageLimit must be an integer from 1 to 100, got ${pageLimit}`);
  }
  const endpoint = `${(options.baseUrl ?? stripeDefaultBaseUrl).replace(/\/+$/, "")}/v1/subscriptions`;

  async function* subscriptionPages(input: { signal?: AbortSignal } = {}) {
    const seen = new Set<string>();
    let startingAfter: string | undefined;
    for (;;) {
      const url = new URL(endpoint);
      url.searchParams.set("limit", String(pageLimit));
      url.searchParams.set("status", "all");
      if (startingAfter !== undefined) url.searchParams.set("starting_after", startingAfter);

      const body = await requestJson({
        provider,
        providerName,
        credentialName: "secret key",
        url,
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          "stripe-version": options.apiVersion ?? stripeApiVersion,
        },
        secrets: [options.secretKey],
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.beforeRequest === undefined ? {} : { beforeRequest: options.beforeRequest }),
      });
      const page = parseResponse(subscriptionListSchema, body, {
        provider,
        providerName,
        what: "a subscriptions page",
      });
      yield page.data.map(mapSubscription);

      // Stripe pages by the last id seen; an empty page claiming more would loop forever.
      const next = nextPageCursor({
        provider,
        providerName,
        hasMore: page.has_more,
        next: page.data.at(-1)?.id,
        seen,
      });
      if (next === null) return;
      startingAfter = next;
    }
  }

  return { subscriptionPages };
}

export function mapSubscription(subscription: StripeSubscription): SubscriptionSummary {
  const known = subscriptionStatusSchema.safeParse(subscription.status);
  const end = periodEnd(subscription);
  return {
    id: subscription.id,
    customer: typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id,
    status: known.success ? known.data : "unknown",
    rawStatus: subscription.status,
    currentPeriodEnd: end === null ? null : new Date(end * 1000),
    userRef: subscription.metadata?.user_ref || null,
  };
}

/**
 * From 2025-03-31.basil each item has its own period and the subscription none; Stripe itself takes
 * the earliest item end as the subscription's (the list's `current_period_end` filter does). Older
 * versions put it on the subscription.
 */
function periodEnd(subscription: StripeSubscription): number | null {
  const itemEnds = (subscription.items?.data ?? [])
    .map((item) => item.current_period_end)
    .filter((end): end is number => typeof end === "number");
  if (itemEnds.length > 0) return Math.min(...itemEnds);
  return subscription.current_period_end ?? null;
}
