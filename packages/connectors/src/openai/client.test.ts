import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, inject, test } from "vitest";
import { ProviderError } from "../errors.ts";
import type { CostLine } from "../types.ts";
import { createOpenAICostsClient, type OpenAICostsClientOptions } from "./client.ts";

const sandboxUrl = inject("sandboxUrl");
const baseUrl = `${sandboxUrl}/openai`;
const fastRetry = { attempts: 3, baseDelayMs: 10 };

function newKey(prefix = "sk-admin-test"): string {
  return `${prefix}${randomUUID().replaceAll("-", "")}`;
}

function client(adminKey: string, options: Partial<OpenAICostsClientOptions> = {}) {
  return createOpenAICostsClient({ adminKey, baseUrl, retry: fastRetry, ...options });
}

async function collect(iterable: AsyncIterable<CostLine[]>): Promise<CostLine[][]> {
  const pages: CostLine[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

async function captureError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function injectFault(fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(201);
}

async function requestCount(key: string): Promise<number> {
  const res = await fetch(`${sandboxUrl}/__sandbox/requests?key=${encodeURIComponent(key)}`);
  return ((await res.json()) as { count: number }).count;
}

describe("OpenAI costs client against the sandbox", () => {
  test("pages through a multi-page range and returns every day's lines exactly once", async () => {
    const key = newKey();
    const pages = await collect(
      client(key, { pageLimit: 3 }).pages({ startDay: "2024-03-01", endDay: "2024-03-11" }),
    );

    expect(pages).toHaveLength(4);
    const lines = pages.flat();
    const days = [...new Set(lines.map((line) => line.day))].sort();
    expect(days).toEqual(Array.from({ length: 10 }, (_, i) => `2024-03-${String(i + 1).padStart(2, "0")}`));
    const identities = lines.map((line) => `${line.day}|${line.lineItem}`);
    expect(new Set(identities).size).toBe(identities.length);
    for (const line of lines) {
      // Number amounts have up to 6 decimals; string amounts (half the keys) carry up to 8.
      expect(line.amount).toMatch(/^\d+(\.\d{1,8})?$/);
      expect(line.currency).toBe("USD");
    }
    expect(await requestCount(key)).toBe(4);
  });

  test("amounts answered as decimal strings are kept digit for digit instead of failing the sync", async () => {
    const key = newKey("sk-admin-str-");
    const range = { startDay: "2024-03-01", endDay: "2024-03-04" };
    const lines = (await collect(client(key).pages(range))).flat();

    const raw = (await (
      await fetch(
        `${baseUrl}/v1/organization/costs?start_time=1709251200&end_time=1709510400&group_by=line_item`,
        {
          headers: { authorization: `Bearer ${key}` },
        },
      )
    ).json()) as { data: { results: { line_item: string; amount: { value: unknown } }[] }[] };
    const values = raw.data.flatMap((bucket) => bucket.results.map((result) => result.amount.value));
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((value) => typeof value === "string")).toBe(true);
    // The provider's digits, trailing zeros dropped ("12.50" is "12.5").
    expect(lines.map((line) => line.amount)).toEqual(
      (values as string[]).map((value) => value.replace(/0+$/, "").replace(/\.$/, "")),
    );
  });

  test("the same key and range give identical results twice", async () => {
    const key = newKey();
    const range = { startDay: "2024-06-01", endDay: "2024-06-20" };
    const first = (await collect(client(key, { pageLimit: 5 }).pages(range))).flat();
    const second = (await collect(client(key, { pageLimit: 7 }).pages(range))).flat();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test("a single injected 503 is retried and the call succeeds", async () => {
    const key = newKey();
    await injectFault({ key, kind: "5xx", status: 503 });
    const pages = await collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" }));
    expect(pages.flat().map((line) => line.day)).toContain("2024-05-02");
    expect(await requestCount(key)).toBe(2);
  });

  test("503s on every attempt give up with a transient error carrying the status", async () => {
    const key = newKey();
    await injectFault({ key, kind: "5xx", status: 503, count: 3 });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.status).toBe(503);
    expect(await requestCount(key)).toBe(3);
  });

  test("a revoked key throws a permanent 401 error whose message does not contain the key", async () => {
    const key = newKey("sk-admin-revoked-");
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toMatch(
      /^OpenAI rejected the admin key \(401 invalid_api_key\): Incorrect API key/,
    );
    expect(error.message).not.toContain(key);
    expect(await requestCount(key)).toBe(1);
  });

  test("a 429 whose Retry-After is over the cap yields a transient error with retryAfterMs", async () => {
    const key = newKey();
    await injectFault({ key, kind: "429", retryAfterSeconds: 120 });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(await requestCount(key)).toBe(1);
  });

  test("a 429 with a short Retry-After is waited out and the call succeeds", async () => {
    const key = newKey();
    await injectFault({ key, kind: "429", retryAfterSeconds: 1 });
    const started = Date.now();
    const pages = await collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-02" }));
    expect(pages.flat().length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await requestCount(key)).toBe(2);
  });

  test("a malformed JSON body is a transient error", async () => {
    const key = newKey();
    await injectFault({ key, kind: "malformed" });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("malformed_response");
    expect(error.message).toContain("not valid JSON");
  });

  test("a repeated page cursor ends in an error instead of an endless loop", async () => {
    const key = newKey();
    await injectFault({ key, kind: "repeat-page" });
    const seen: CostLine[][] = [];
    const error = await captureError(
      (async () => {
        for await (const page of client(key, { pageLimit: 2 }).pages({
          startDay: "2024-05-01",
          endDay: "2024-05-09",
        })) {
          seen.push(page);
        }
      })(),
    );
    expect(error.kind).toBe("transient");
    expect(error.message).toBe("OpenAI returned the same page cursor twice");
    expect(seen).toHaveLength(2);
    expect(await requestCount(key)).toBe(2);
  });

  test("aborting the signal stops a request the provider never answers, without retrying", async () => {
    const key = newKey();
    await injectFault({ key, kind: "timeout" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await collect(
      client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03", signal: controller.signal }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await requestCount(key)).toBe(1);
  });

  test("aborting during a backoff wait stops promptly", async () => {
    const key = newKey();
    await injectFault({ key, kind: "5xx" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const error = await collect(
      client(key, { retry: { attempts: 3, baseDelayMs: 10_000 } }).pages({
        startDay: "2024-05-01",
        endDay: "2024-05-03",
        signal: controller.signal,
      }),
    ).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await requestCount(key)).toBe(1);
  });

  test("a provider that never answers times out as a transient error after the retries", async () => {
    const key = newKey();
    await injectFault({ key, kind: "timeout", count: 2 });
    const error = await captureError(
      collect(
        client(key, { timeoutMs: 150, retry: { attempts: 2, baseDelayMs: 10 } }).pages({
          startDay: "2024-05-01",
          endDay: "2024-05-03",
        }),
      ),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("OpenAI did not answer within 150 ms");
    expect(await requestCount(key)).toBe(2);
  });

  test("days outside the data range come back as no lines rather than an error", async () => {
    const pages = await collect(client(newKey()).pages({ startDay: "2023-12-30", endDay: "2024-01-02" }));
    expect(pages.flat().map((line) => line.day)).toEqual(expect.arrayContaining(["2024-01-01"]));
    expect(pages.flat().some((line) => line.day < "2024-01-01")).toBe(false);
  });

  test("an empty or reversed range makes no request", async () => {
    const key = newKey();
    expect(await collect(client(key).pages({ startDay: "2024-05-03", endDay: "2024-05-03" }))).toEqual([]);
    expect(await requestCount(key)).toBe(0);
  });

  test("a malformed start day is rejected before any request", async () => {
    await expect(collect(client(newKey()).pages({ startDay: "2024-02-30" }))).rejects.toThrow(RangeError);
  });
});

describe("OpenAI costs client against other peers", () => {
  test("a response in an unexpected shape is a permanent error naming the field", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "page", data: [{ start_time: "yesterday" }], has_more: false }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await captureError(
        collect(
          createOpenAICostsClient({ adminKey: newKey(), baseUrl: `http://127.0.0.1:${port}` }).pages({
            startDay: "2024-05-01",
          }),
        ),
      );
      expect(error.kind).toBe("permanent");
      expect(error.message).toContain("data.0.start_time");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("an unreachable host is a transient network error", async () => {
    const error = await captureError(
      collect(
        createOpenAICostsClient({
          adminKey: newKey(),
          baseUrl: "http://127.0.0.1:1",
          retry: { attempts: 2, baseDelayMs: 10 },
        }).pages({ startDay: "2024-05-01" }),
      ),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("network_error");
    expect(error.message).toMatch(/^Could not reach OpenAI: /);
  });
});
