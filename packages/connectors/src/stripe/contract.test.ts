// Stripe's published subscription fixtures before and after 2025-03-31.basil (fixtures/, each with
// its source) served by a local server and read by the client.
import { afterEach, describe, expect, test } from "vitest";
import { type FixtureServer, serveFixture } from "../test-helpers.ts";
import { createStripeClient, type StripeClientOptions, type SubscriptionSummary } from "./client.ts";
import acacia from "./fixtures/subscriptions.acacia.json" with { type: "json" };
import basil from "./fixtures/subscriptions.basil.json" with { type: "json" };

let server: FixtureServer | undefined;
afterEach(() => server?.close());

async function list(body: unknown, options: Partial<StripeClientOptions> = {}) {
  server = await serveFixture(() => ({ body }));
  const client = createStripeClient({ secretKey: "sk_test_contract", baseUrl: server.url, ...options });
  const all: SubscriptionSummary[] = [];
  for await (const page of client.subscriptionPages()) all.push(...page);
  return all;
}

describe("Stripe subscriptions: the provider's published fixtures", () => {
  test("basil shape: the period end is read from items.data[], and the version is pinned", async () => {
    expect(await list(basil.response)).toEqual([
      {
        id: "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw",
        customer: "cus_QXg1o8vcGmoR32",
        status: "active",
        rawStatus: "active",
        currentPeriodEnd: new Date(976287773 * 1000),
        userRef: null,
      },
    ]);
    expect(server?.requests[0]?.headers["stripe-version"]).toBe("2025-03-31.basil");
    expect(server?.requests[0]?.url.searchParams.get("status")).toBe("all");
  });

  test("the shape before basil: the period end is read from the subscription", async () => {
    const [subscription] = await list(acacia.response, { apiVersion: "2025-02-24.acacia" });
    expect(subscription?.currentPeriodEnd).toEqual(new Date(1234567890 * 1000));
    expect(server?.requests[0]?.headers["stripe-version"]).toBe("2025-02-24.acacia");
  });

  test("a status outside the eight, an expanded customer and metadata.user_ref are read", async () => {
    const [sub] = basil.response.data;
    const changed = {
      ...sub,
      status: "pending_activation",
      customer: { id: "cus_expanded" },
      metadata: { user_ref: "user_1" },
    };
    expect(await list({ ...basil.response, data: [changed] })).toMatchObject([
      { status: "unknown", rawStatus: "pending_activation", customer: "cus_expanded", userRef: "user_1" },
    ]);
  });
});
