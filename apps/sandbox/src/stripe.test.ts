import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningSandbox, startSandbox } from "./server.ts";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

interface ListBody {
  object?: string;
  has_more?: boolean;
  data: {
    id: string;
    status: string;
    metadata: { user_ref: string };
    current_period_end?: number;
    items: { data: { current_period_end?: number }[] };
  }[];
  error?: { type: string; code?: string; message: string; param?: string };
}

async function list(query: string, key: string | null = "sk_test_sandbox_1", version?: string) {
  const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  if (version !== undefined) headers["stripe-version"] = version;
  const response = await fetch(`${sandbox.url}/stripe/v1/subscriptions?${query}`, { headers });
  return {
    status: response.status,
    version: response.headers.get("stripe-version"),
    body: (await response.json()) as ListBody,
  };
}

describe("sandbox Stripe subscriptions", () => {
  test("lists the same subscriptions for a key on every call, paged with starting_after", async () => {
    const first = await list("limit=100&status=all");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: "list", has_more: true });
    expect(first.body.data).toHaveLength(100);
    const lastId = first.body.data.at(-1)?.id;
    const second = await list(`limit=100&status=all&starting_after=${lastId}`);
    expect(second.body.has_more).toBe(false);
    expect(second.body.data[0]?.metadata.user_ref).toBe("user_0101");
    expect((await list("limit=100&status=all")).body).toEqual(first.body);
  });

  test("leaves canceled subscriptions out unless status=all asks for them", async () => {
    const active = await list("limit=100");
    expect(active.body.data.every((s) => s.status !== "canceled")).toBe(true);
  });

  test("answers a missing, malformed or revoked key with 401 in Stripe's error shape", async () => {
    for (const key of [null, "sk_live_abcdef", "sk_test_revoked_1"]) {
      const { status, body } = await list("limit=10", key);
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ type: "invalid_request_error" });
      expect(typeof body.error?.message).toBe("string");
    }
  });

  test("rejects an unknown starting_after and a limit over 100, naming the parameter", async () => {
    expect((await list("starting_after=sub_nope")).body.error).toMatchObject({
      code: "resource_missing",
      param: "starting_after",
    });
    expect((await list("limit=101")).body.error).toMatchObject({ param: "limit" });
  });

  test("without Stripe-Version it answers in the account's current version: the period is on the items only", async () => {
    const { version, body } = await list("limit=100&status=all");
    expect(version).toBe("2026-11-18.endive");
    for (const s of body.data) {
      expect(s.current_period_end).toBeUndefined();
      expect(s.items.data.length).toBeGreaterThan(0);
      for (const item of s.items.data) expect(typeof item.current_period_end).toBe("number");
    }
    expect(body.data.some((s) => s.items.data.length > 1)).toBe(true);
  });

  test("a version pinned before 2025-03-31.basil gets the period on the subscription and none on items", async () => {
    const { version, body } = await list("limit=100&status=all", "sk_test_sandbox_1", "2025-02-24.acacia");
    expect(version).toBe("2025-02-24.acacia");
    for (const s of body.data) {
      expect(typeof s.current_period_end).toBe("number");
      for (const item of s.items.data) expect(item.current_period_end).toBeUndefined();
    }
  });

  test("an account on a pre-basil default version answers the old shape unless the request pins one", async () => {
    const old = await list("limit=5", "sk_test_legacy_1");
    expect(old.version).toBe("2025-02-24.acacia");
    expect(typeof old.body.data[0]?.current_period_end).toBe("number");
    const pinned = await list("limit=5", "sk_test_legacy_1", "2025-03-31.basil");
    expect(pinned.body.data[0]?.current_period_end).toBeUndefined();
  });

  test("an invalid Stripe-Version gets 400", async () => {
    const { status, body } = await list("limit=5", "sk_test_sandbox_1", "latest");
    expect(status).toBe(400);
    expect(body.error?.message).toBe("Invalid Stripe API version: latest");
  });

  test("some subscriptions carry a status outside the eight documented ones", async () => {
    const { body } = await list("limit=100&status=all");
    expect(body.data.filter((s) => s.status === "pending_activation").length).toBeGreaterThan(0);
  });
});
