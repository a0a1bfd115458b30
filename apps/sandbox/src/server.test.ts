import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dailyCosts } from "./openai.ts";
import { type RunningSandbox, startSandbox } from "./server.ts";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const goodKey = "sk-admin-sandbox-test-1234";
const day = 86_400;
const march1 = Date.UTC(2024, 2, 1) / 1000;

function costs(query: string, key: string | null = goodKey) {
  return fetch(`${sandbox.url}/openai/v1/organization/costs?${query}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
}

function postFault(body: string) {
  return fetch(`${sandbox.url}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

describe("sandbox control API", () => {
  test("health check answers ok", async () => {
    const res = await fetch(`${sandbox.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  test("a fault request that is not JSON gets 400 saying so", async () => {
    const res = await postFault("{kind: 5xx");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("not valid JSON");
  });

  test("a fault request with an unknown kind or no key gets 400 naming the field", async () => {
    const badKind = await postFault(JSON.stringify({ key: goodKey, kind: "explode" }));
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: string }).error).toContain("kind");

    const noKey = await postFault(JSON.stringify({ kind: "5xx" }));
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { error: string }).error).toContain("key");

    const badStatus = await postFault(JSON.stringify({ key: goodKey, kind: "5xx", status: 404 }));
    expect(badStatus.status).toBe(400);
    expect(((await badStatus.json()) as { error: string }).error).toContain("status");
  });

  test("reading or clearing state without a key gets 400", async () => {
    expect((await fetch(`${sandbox.url}/__sandbox/requests`)).status).toBe(400);
    expect((await fetch(`${sandbox.url}/__sandbox/faults`, { method: "DELETE" })).status).toBe(400);
  });

  test("an unknown route gets 404", async () => {
    expect((await fetch(`${sandbox.url}/openai/v1/nope`)).status).toBe(404);
  });

  test("faults apply only to their own key, in order, and can be cleared", async () => {
    const key = "sk-admin-sandbox-faults-a";
    const other = "sk-admin-sandbox-faults-b";
    expect((await postFault(JSON.stringify({ key, kind: "5xx", status: 502, count: 2 }))).status).toBe(201);
    expect((await postFault(JSON.stringify({ key, kind: "429", retryAfterSeconds: 7 }))).status).toBe(201);

    expect((await costs(`start_time=${march1}`, other)).status).toBe(200);
    expect((await costs(`start_time=${march1}`, key)).status).toBe(502);
    expect((await costs(`start_time=${march1}`, key)).status).toBe(502);
    const limited = await costs(`start_time=${march1}`, key);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect((await costs(`start_time=${march1}`, key)).status).toBe(200);

    await postFault(JSON.stringify({ key, kind: "5xx", count: 5 }));
    const cleared = await fetch(`${sandbox.url}/__sandbox/faults?key=${key}`, { method: "DELETE" });
    expect(await cleared.json()).toEqual({ key, cleared: 5 });
    expect((await costs(`start_time=${march1}`, key)).status).toBe(200);

    const count = await fetch(`${sandbox.url}/__sandbox/requests?key=${key}`);
    expect(await count.json()).toEqual({ key, count: 5, throttled: 1 });
  });

  test("close returns promptly while a timeout fault holds a request open", async () => {
    const own = await startSandbox({ port: 0 });
    const key = "sk-admin-sandbox-hold-0001";
    await fetch(`${own.url}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ key, kind: "timeout" }),
    });
    const pending = fetch(`${own.url}/openai/v1/organization/costs?start_time=${march1}`, {
      headers: { authorization: `Bearer ${key}` },
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("sandbox OpenAI costs API", () => {
  test("a missing key gets 401 in OpenAI's error shape", async () => {
    const res = await costs(`start_time=${march1}`, null);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: null });
    expect(body.error.message).toContain("didn't provide an API key");
  });

  test("a malformed or revoked key gets 401 invalid_api_key with the key masked", async () => {
    for (const key of ["sk-proj-abcdefghijkl", "sk-admin-short", "sk-admin-revoked-abcdefgh"]) {
      const res = await costs(`start_time=${march1}`, key);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe("invalid_api_key");
      expect(body.error.message).toMatch(/^Incorrect API key provided: .*\*\*\*/);
      expect(body.error.message).not.toContain(key);
    }
  });

  test("a request without start_time gets 400 naming the parameter", async () => {
    const res = await costs("limit=3");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { param: string; message: string } };
    expect(body.error.param).toBe("start_time");
    expect(body.error.message).toContain("start_time");
  });

  test("a limit above 180 or an unknown group_by gets 400 naming the parameter", async () => {
    const limit = await costs(`start_time=${march1}&limit=181`);
    expect(limit.status).toBe(400);
    expect(((await limit.json()) as { error: { param: string } }).error.param).toBe("limit");
    const group = await costs(`start_time=${march1}&group_by=model`);
    expect(group.status).toBe(400);
    expect(((await group.json()) as { error: { param: string } }).error.param).toBe("group_by");
  });

  test("pages default to 7 daily buckets and the cursor continues where the last page ended", async () => {
    const end = march1 + 10 * day;
    const first = (await (await costs(`start_time=${march1}&end_time=${end}`)).json()) as {
      data: { start_time: number }[];
      has_more: boolean;
      next_page: string;
    };
    expect(first.data.map((b) => b.start_time)).toEqual(
      Array.from({ length: 7 }, (_, i) => march1 + i * day),
    );
    expect(first.has_more).toBe(true);

    const second = (await (
      await costs(`start_time=${march1}&end_time=${end}&page=${first.next_page}`)
    ).json()) as { data: { start_time: number }[]; has_more: boolean; next_page: string | null };
    expect(second.data.map((b) => b.start_time)).toEqual([7, 8, 9].map((i) => march1 + i * day));
    expect(second.has_more).toBe(false);
    expect(second.next_page).toBeNull();
  });

  test("line items are deterministic per key and day, with at most 6 decimals", async () => {
    const query = `start_time=${march1}&end_time=${march1 + day}&group_by=line_item`;
    type Page = { data: { results: { line_item: string; amount: { value: number; currency: string } }[] }[] };
    const a = (await (await costs(query)).json()) as Page;
    const b = (await (await costs(query)).json()) as Page;
    expect(a).toEqual(b);
    const results = a.data[0]!.results;
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThanOrEqual(4);
    for (const result of results) {
      expect(String(result.amount.value)).toMatch(/^\d+(\.\d{1,6})?$/);
      expect(result.amount.currency).toBe("usd");
    }
    expect(results.map((r) => r.line_item)).toEqual(dailyCosts(goodKey, march1).map((c) => c.lineItem));
  });

  test("days before 2024 and after today have empty results", async () => {
    const dec30 = Date.UTC(2023, 11, 30) / 1000;
    const old = (await (await costs(`start_time=${dec30}&end_time=${dec30 + 2 * day}`)).json()) as {
      data: { results: unknown[] }[];
    };
    expect(old.data.map((b) => b.results.length)).toEqual([0, 0]);

    const tomorrow = (Math.floor(Date.now() / 1000 / day) + 1) * day;
    const future = (await (await costs(`start_time=${tomorrow}&end_time=${tomorrow + day}`)).json()) as {
      data: { results: unknown[] }[];
    };
    expect(future.data.map((b) => b.results.length)).toEqual([0]);
  });

  test("some keys get amount.value as a decimal string, as live answers do", async () => {
    const query = `start_time=${march1}&end_time=${march1 + 3 * day}&group_by=line_item`;
    type Page = { data: { results: { amount: { value: unknown } }[] }[] };
    const values = async (key: string) =>
      ((await (await costs(query, key)).json()) as Page).data.flatMap((b) =>
        b.results.map((r) => r.amount.value),
      );
    const strings = await values("sk-admin-str-sandbox-0001");
    expect(strings.length).toBeGreaterThan(0);
    for (const value of strings) expect(value).toEqual(expect.stringMatching(/^\d+\.\d{2,8}$/));
    expect((await values("sk-admin-num-sandbox-0001")).every((value) => typeof value === "number")).toBe(
      true,
    );
    // Unprefixed keys are split by hash, so a dev setup meets both shapes.
    const kinds = new Set<string>();
    for (let i = 0; i < 16; i++)
      for (const v of await values(`sk-admin-mixed-${i}000000`)) kinds.add(typeof v);
    expect([...kinds].sort()).toEqual(["number", "string"]);
  });
});
