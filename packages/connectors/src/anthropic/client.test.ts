import { describe, expect, test } from "vitest";
import { daysBetween } from "../days.ts";
import {
  captureError,
  collect,
  expectUniqueLines,
  fastRetry,
  injectFault,
  requestCount,
  sandboxUrl,
  uniqueKey,
  utcDayOffset,
} from "../test-helpers.ts";
import type { CostLine } from "../types.ts";
import { type AnthropicCostsClientOptions, createAnthropicCostsClient } from "./client.ts";

const baseUrl = `${sandboxUrl}/anthropic`;
const newKey = (prefix = "sk-ant-admin01-test") => uniqueKey(prefix);

function client(adminKey: string, options: Partial<AnthropicCostsClientOptions> = {}) {
  return createAnthropicCostsClient({ adminKey, baseUrl, retry: fastRetry, ...options });
}

describe("Anthropic costs client against the sandbox", () => {
  test("pages through a multi-page range and returns every day's lines exactly once", async () => {
    const key = newKey();
    const pages = await collect(
      client(key, { pageLimit: 3 }).pages({ startDay: "2024-03-01", endDay: "2024-03-11" }),
    );

    expect(pages).toHaveLength(4);
    const lines = pages.flat();
    expect([...new Set(lines.map((line) => line.day))].sort()).toEqual(
      daysBetween("2024-03-01", "2024-03-11"),
    );
    expectUniqueLines(lines);
    for (const line of lines) {
      expect(line.amount).toMatch(/^\d+(\.\d{1,6})?$/);
      expect(line.currency).toBe("USD");
      expect(line.lineItem).toMatch(/Usage/);
    }
    expect(await requestCount(key)).toBe(4);
  });

  test("amounts reported in cents come back as dollars", async () => {
    const key = newKey();
    const raw = (await (
      await fetch(
        `${baseUrl}/v1/organizations/cost_report?starting_at=2024-04-02T00:00:00Z&ending_at=2024-04-03T00:00:00Z&group_by[]=description`,
        { headers: { "x-api-key": key, "anthropic-version": "2023-06-01" } },
      )
    ).json()) as { data: { results: { description: string; amount: string }[] }[] };
    const lines = (await collect(client(key).pages({ startDay: "2024-04-02", endDay: "2024-04-03" }))).flat();

    const results = raw.data[0]!.results;
    expect(lines.map((line) => line.lineItem)).toEqual(results.map((result) => result.description));
    for (const [i, result] of results.entries()) {
      expect(Number(lines[i]!.amount)).toBeCloseTo(Number(result.amount) / 100, 8);
    }
  });

  test("the same key and range give identical results twice", async () => {
    const key = newKey();
    const range = { startDay: "2024-06-01", endDay: "2024-06-20" };
    const first = (await collect(client(key, { pageLimit: 5 }).pages(range))).flat();
    const second = (await collect(client(key, { pageLimit: 31 }).pages(range))).flat();
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

  test("an overloaded 529 on every attempt gives up with a transient error", async () => {
    const key = newKey();
    await injectFault({ key, kind: "5xx", status: 529, count: 3 });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.status).toBe(529);
    expect(error.code).toBe("overloaded_error");
  });

  test("a revoked admin key is a permanent 401 whose message does not contain the key", async () => {
    const key = newKey("sk-ant-admin01-revoked-");
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
    expect(error.code).toBe("authentication_error");
    expect(error.message).toMatch(
      /^Anthropic rejected the admin key \(401 authentication_error\): invalid x-api-key/,
    );
    expect(error.message).not.toContain(key);
    expect(await requestCount(key)).toBe(1);
  });

  test("an ordinary API key is refused as a permanent error", async () => {
    const error = await captureError(
      collect(client(newKey("sk-ant-api03-")).pages({ startDay: "2024-05-01", endDay: "2024-05-02" })),
    );
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
  });

  test("a 429 with a long Retry-After is a transient error carrying retryAfterMs", async () => {
    const key = newKey();
    await injectFault({ key, kind: "429", retryAfterSeconds: 60 });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("rate_limit_error");
    expect(error.retryAfterMs).toBe(60_000);
  });

  test("a malformed JSON body is a transient error", async () => {
    const key = newKey();
    await injectFault({ key, kind: "malformed" });
    const error = await captureError(
      collect(client(key).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("malformed_response");
  });

  test("a repeated page cursor ends in an error instead of an endless loop", async () => {
    const key = newKey();
    await injectFault({ key, kind: "page-repeat" });
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
    expect(error.message).toBe("Anthropic returned the same page cursor twice");
    expect(seen).toHaveLength(2);
  });

  test("a sync started today asks only for complete days: nothing yet, and no failure", async () => {
    const key = newKey();
    const pages = await collect(client(key).pages({ startDay: utcDayOffset(0) }));
    expect(pages.flat()).toEqual([]);
    expect(await requestCount(key)).toBe(0);
  });

  test("the default range ends at today's midnight, so yesterday is read and today is not asked for", async () => {
    const key = newKey();
    const lines = (await collect(client(key).pages({ startDay: utcDayOffset(-2) }))).flat();
    expect([...new Set(lines.map((line) => line.day))].sort()).toEqual([utcDayOffset(-2), utcDayOffset(-1)]);
    expect(await requestCount(key)).toBe(1);
  });

  test("Anthropic's 400 'Invalid date range' (no complete day yet) means nothing yet, not a dead letter", async () => {
    const key = newKey();
    // A clock a day ahead believes the provider's today is complete; the provider says otherwise.
    const ahead = () => new Date(Date.now() + 86_400_000);
    const pages = await collect(client(key, { now: ahead }).pages({ startDay: utcDayOffset(0) }));
    expect(pages.flat()).toEqual([]);
    expect(await requestCount(key)).toBe(1);
  });

  test("an empty or reversed range makes no request", async () => {
    const key = newKey();
    expect(await collect(client(key).pages({ startDay: "2024-05-03", endDay: "2024-05-01" }))).toEqual([]);
    expect(await requestCount(key)).toBe(0);
  });

  test("a page limit above 31 is rejected before any request", () => {
    expect(() => client(newKey(), { pageLimit: 32 })).toThrow(RangeError);
  });
});
