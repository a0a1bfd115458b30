import { describe, expect, test } from "vitest";
import { captureError, fastRetry, injectFault, sandboxUrl, uniqueKey } from "../test-helpers.ts";
import { createStripeClient, type SubscriptionSummary } from "./client.ts";

const baseUrl = `${sandboxUrl}/stripe`;

async function listAll(secretKey: string, pageLimit?: number): Promise<SubscriptionSummary[][]> {
  const client = createStripeClient({
    secretKey,
    baseUrl,
    retry: fastRetry,
    ...(pageLimit ? { pageLimit } : {}),
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
