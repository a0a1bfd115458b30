import { describe, expect, test } from "vitest";
import { captureError, fastRetry, injectFault, sandboxUrl, uniqueKey } from "../test-helpers.ts";
import { createStripeClient, type StripeClientOptions, type SubscriptionSummary } from "./client.ts";

interface RawSubscription {
  id: string;
  status: string;
  current_period_end?: number;
  items: { data: { current_period_end?: number }[] };
}

/** The sandbox's own answer for a key, in the version given (none: the account's default). */
async function rawListing(key: string, version?: string): Promise<RawSubscription[]> {
  const all: RawSubscription[] = [];
  let after: string | undefined;
  for (;;) {
    const url = `${baseUrl}/v1/subscriptions?limit=100&status=all${after ? `&starting_after=${after}` : ""}`;
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (version) headers["stripe-version"] = version;
    const page = (await (await fetch(url, { headers })).json()) as {
      data: RawSubscription[];
      has_more: boolean;
    };
    all.push(...page.data);
    if (!page.has_more) return all;
    after = page.data.at(-1)?.id;
  }
}

const baseUrl = `${sandboxUrl}/stripe`;

async function listAll(
  secretKey: string,
  pageLimit?: number,
  options: Partial<StripeClientOptions> = {},
): Promise<SubscriptionSummary[][]> {
  const client = createStripeClient({
    secretKey,
    baseUrl,
    retry: fastRetry,
    ...(pageLimit ? { pageLimit } : {}),
    ...options,
  });
  const pages: SubscriptionSummary[][] = [];
  for await (const page of client.subscriptionPages()) pages.push(page);
  return pages;
}

describe("Stripe subscriptions client against the sandbox", () => {
  test("pages through every subscription with starting_after, canceled ones included", async () => {
    const key = uniqueKey("sk_test_");
    const pages = await listAll(key);
    expect(pages.length).toBe(2);
    expect(pages[0]).toHaveLength(100);
    const all = pages.flat();
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    expect(all.some((s) => s.status === "canceled")).toBe(true);
    expect(all[0]).toMatchObject({ customer: "cus_0001", userRef: "user_0001" });
    expect(all[0]?.currentPeriodEnd).toBeInstanceOf(Date);
    // Same key, same data: the sandbox is deterministic.
    expect((await listAll(key, 40)).flat()).toEqual(all);
  });

  test("on current API versions the period end comes from the subscription's items", async () => {
    const key = uniqueKey("sk_test_");
    const all = (await listAll(key)).flat();
    const raw = await rawListing(key, "2025-03-31.basil");
    expect(raw[0]?.current_period_end).toBeUndefined();
    expect(all.map((s) => s.currentPeriodEnd?.getTime())).toEqual(
      // Stripe treats the earliest item period end as the subscription's (its list filter does).
      raw.map((s) => Math.min(...s.items.data.map((item) => item.current_period_end!)) * 1000),
    );
    expect(all.every((s) => s.currentPeriodEnd instanceof Date)).toBe(true);
  });

  test("an older pinned API version still reads the period end from the subscription", async () => {
    const key = uniqueKey("sk_test_");
    const all = (await listAll(key, undefined, { apiVersion: "2025-02-24.acacia" })).flat();
    const raw = await rawListing(key, "2025-02-24.acacia");
    expect(raw[0]?.items.data[0]?.current_period_end).toBeUndefined();
    expect(all.map((s) => s.currentPeriodEnd?.getTime())).toEqual(
      raw.map((s) => s.current_period_end! * 1000),
    );
  });

  test("an account whose default version predates basil gets the version the client is written for", async () => {
    const key = uniqueKey("sk_test_legacy");
    const all = (await listAll(key)).flat();
    expect(all.every((s) => s.currentPeriodEnd instanceof Date)).toBe(true);
  });

  test("a status Stripe added after this code is kept as unknown with its raw value, and the listing goes on", async () => {
    const key = uniqueKey("sk_test_");
    const all = (await listAll(key)).flat();
    const raw = await rawListing(key);
    const future = raw.filter((s) => s.status === "pending_activation").map((s) => s.id);
    expect(future.length).toBeGreaterThan(0);
    expect(all).toHaveLength(raw.length);
    for (const s of all) {
      if (future.includes(s.id))
        expect(s).toMatchObject({ status: "unknown", rawStatus: "pending_activation" });
      else expect(s.rawStatus).toBe(s.status);
    }
  });

  test("a revoked key is a permanent error that does not echo the key", async () => {
    const key = `sk_test_revoked${uniqueKey("")}`;
    const error = await captureError(listAll(key));
    expect(error).toMatchObject({
      kind: "permanent",
      status: 401,
      provider: "stripe",
      code: "api_key_expired",
    });
    expect(error.message).toContain("Stripe rejected the secret key");
    expect(error.message).not.toContain(key);
  });

  test("retries a 5xx and still returns every page", async () => {
    const key = uniqueKey("sk_test_");
    await injectFault({ key, kind: "5xx", status: 503, count: 1 });
    expect((await listAll(key)).flat().length).toBeGreaterThanOrEqual(120);
  });
});
