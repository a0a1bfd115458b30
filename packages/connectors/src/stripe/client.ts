import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { nextPageCursor } from "../paging.ts";
import { parseResponse } from "../parse.ts";
import { type StripeSubscription, type SubscriptionStatus, subscriptionListSchema } from "./schemas.ts";

const provider = "stripe";
const providerName = "Stripe";

export const stripeDefaultBaseUrl = "https://api.stripe.com";

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
}

/** A subscription as synchub keeps it. */
export interface SubscriptionSummary {
  id: string;
  customer: string;
  status: SubscriptionStatus;
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
        headers: { authorization: `Bearer ${options.secretKey}` },
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
  const end = subscription.current_period_end;
  return {
    id: subscription.id,
    customer: typeof subscription.customer === "string" ? subscription.customer : subscription.customer.id,
    status: subscription.status,
    currentPeriodEnd: end === null || end === undefined ? null : new Date(end * 1000),
    userRef: subscription.metadata?.user_ref || null,
  };
}
