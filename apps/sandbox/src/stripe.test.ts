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
  data: { id: string; status: string; metadata: { user_ref: string } }[];
  error?: { type: string; code?: string; message: string; param?: string };
}

async function list(query: string, key: string | null = "sk_test_sandbox_1") {
  const response = await fetch(`${sandbox.url}/stripe/v1/subscriptions?${query}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as ListBody };
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
});
