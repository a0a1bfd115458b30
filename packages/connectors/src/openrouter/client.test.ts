import { describe, expect, test } from "vitest";
import { daysBetween } from "../days.ts";
import { addDecimalStrings, numberToDecimalString } from "../decimal.ts";
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
import { createOpenRouterCostsClient, type OpenRouterCostsClientOptions } from "./client.ts";

const baseUrl = `${sandboxUrl}/openrouter`;
const newKey = (prefix = "sk-or-v1-test") => uniqueKey(prefix);

function client(apiKey: string, options: Partial<OpenRouterCostsClientOptions> = {}) {
  return createOpenRouterCostsClient({ apiKey, baseUrl, retry: fastRetry, ...options });
}

describe("OpenRouter costs client against the sandbox", () => {
  test("yields one page per day, each with that day's models exactly once", async () => {
    const key = newKey();
    const startDay = utcDayOffset(-8);
    const endDay = utcDayOffset(-3);
    const pages = await collect(client(key).pages({ startDay, endDay }));

    const days = daysBetween(startDay, endDay);
    expect(pages).toHaveLength(5);
    for (const [i, page] of pages.entries()) {
      expect(page.length).toBeGreaterThan(0);
      expect(new Set(page.map((line) => line.day))).toEqual(new Set([days[i]]));
    }
    const lines = pages.flat();
    expectUniqueLines(lines);
    for (const line of lines) {
      expect(line.currency).toBe("USD");
      expect(line.amount).toMatch(/^\d+(\.\d{1,6})?$/);
    }
    expect(await requestCount(key)).toBe(5);
  });

  test("usage of a model served by several endpoints is summed exactly", async () => {
    const key = newKey();
    const day = utcDayOffset(-4);
    const raw = (await (
      await fetch(`${baseUrl}/api/v1/activity?date=${day}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: { model: string; usage: number }[] };
    const expected = new Map<string, string>();
    for (const row of raw.data) {
      const amount = numberToDecimalString(row.usage);
      const sum = expected.get(row.model);
      expected.set(row.model, sum === undefined ? amount : addDecimalStrings(sum, amount));
    }

    const lines = (await collect(client(key).pages({ startDay: day, endDay: utcDayOffset(-3) }))).flat();
    expect(new Map(lines.map((line) => [line.lineItem, line.amount]))).toEqual(expected);
    expect(raw.data.length).toBeGreaterThanOrEqual(lines.length);
  });

  test("today and days older than the 30-day activity window are skipped without a request", async () => {
    const key = newKey();
    const pages = await collect(client(key).pages({ startDay: utcDayOffset(-40) }));
    const days = pages.flat().map((line) => line.day);
    expect(pages).toHaveLength(30);
    expect(days.every((day) => day >= utcDayOffset(-30) && day < utcDayOffset(0))).toBe(true);
    expect(await requestCount(key)).toBe(30);
  });

  test("the same key and range give identical results twice", async () => {
    const key = newKey();
    const range = { startDay: utcDayOffset(-12), endDay: utcDayOffset(-6) };
    const first = (await collect(client(key).pages(range))).flat();
    const second = (await collect(client(key).pages(range))).flat();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test("a single injected 503 is retried and the call succeeds", async () => {
    const key = newKey();
    await injectFault({ key, kind: "5xx", status: 503 });
    const pages = await collect(client(key).pages({ startDay: utcDayOffset(-2), endDay: utcDayOffset(-1) }));
    expect(pages.flat().length).toBeGreaterThan(0);
    expect(await requestCount(key)).toBe(2);
  });

  test("a revoked key is a permanent 401 whose message does not contain the key", async () => {
    const key = newKey("sk-or-v1-revoked-");
    const error = await captureError(collect(client(key).pages({ startDay: utcDayOffset(-2) })));
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
    expect(error.message).toBe("OpenRouter rejected the API key (401): User not found.");
    expect(error.message).not.toContain(key);
    expect(await requestCount(key)).toBe(1);
  });

  test("an inference key without management rights is a permanent 403", async () => {
    const key = newKey("sk-or-v1-inference-");
    const error = await captureError(collect(client(key).pages({ startDay: utcDayOffset(-2) })));
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(403);
    expect(error.message).not.toContain(key);
  });

  test("a malformed JSON body is a transient error", async () => {
    const key = newKey();
    await injectFault({ key, kind: "malformed" });
    const error = await captureError(collect(client(key).pages({ startDay: utcDayOffset(-2) })));
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("malformed_response");
  });

  test("credits come back as decimal strings, the same on every call", async () => {
    const key = newKey();
    const first = await client(key).credits();
    expect(first.totalCredits).toMatch(/^\d+(\.\d{1,6})?$/);
    expect(first.totalUsage).toMatch(/^\d+(\.\d{1,6})?$/);
    expect(Number(first.totalCredits)).toBeGreaterThanOrEqual(Number(first.totalUsage));
    expect(await client(key).credits()).toEqual(first);
  });
});
