import { createHash } from "node:crypto";
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
} from "../test-helpers.ts";
import { createVolcengineCostsClient, type VolcengineCostsClientOptions } from "./client.ts";
import { signVolcengineRequest } from "./sign.ts";

const baseUrl = `${sandboxUrl}/volcengine`;

/**
 * Day `day` of the month `monthsAgo` months before the current UTC one, YYYY-MM-DD. Volcano Engine
 * answers bill months from the last 24 months only, so the tests ask recent ones.
 */
function monthDay(monthsAgo: number, day: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, day))
    .toISOString()
    .slice(0, 10);
}
const newAccessKey = (prefix = "AKLTtest") => uniqueKey(prefix);

/** The sandbox's documented rule: hex sha256 of "sandbox-secret:" + access key id. */
function sandboxSecret(accessKeyId: string): string {
  return createHash("sha256").update(`sandbox-secret:${accessKeyId}`).digest("hex");
}

function client(accessKeyId: string, options: Partial<VolcengineCostsClientOptions> = {}) {
  return createVolcengineCostsClient({
    accessKeyId,
    secretAccessKey: sandboxSecret(accessKeyId),
    baseUrl,
    retry: fastRetry,
    ...options,
  });
}

describe("Volcano Engine costs client against the sandbox", () => {
  test("pages through a month with offsets and returns every day's lines exactly once", async () => {
    const ak = newAccessKey();
    const pages = await collect(
      client(ak, { pageLimit: 7 }).pages({ startDay: monthDay(3, 1), endDay: monthDay(3, 11) }),
    );

    expect(pages).toHaveLength(1);
    const lines = pages.flat();
    expect([...new Set(lines.map((line) => line.day))].sort()).toEqual(
      daysBetween(monthDay(3, 1), monthDay(3, 11)),
    );
    expectUniqueLines(lines);
    for (const line of lines) {
      expect(line.currency).toBe("CNY");
      expect(line.amount).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(line.lineItem).toMatch(/^(ark|ECS|volume), /);
    }
    // The whole of March is read, 7 rows a page: several signed requests, each verified.
    expect(await requestCount(ak)).toBeGreaterThan(4);
  });

  test("a range across months asks each bill period and keeps only the asked days", async () => {
    const ak = newAccessKey();
    const startDay = monthDay(2, -1); // the last two days of the month before
    const pages = await collect(client(ak).pages({ startDay, endDay: monthDay(2, 3) }));
    expect(pages).toHaveLength(2);
    expect([...new Set(pages[0]!.map((line) => line.day))].sort()).toEqual(
      daysBetween(startDay, monthDay(2, 1)),
    );
    expect([...new Set(pages[1]!.map((line) => line.day))].sort()).toEqual([monthDay(2, 1), monthDay(2, 2)]);
    expect(await requestCount(ak)).toBe(2);
  });

  test("the same key and range give identical results twice, whatever the page size", async () => {
    const ak = newAccessKey();
    const range = { startDay: monthDay(4, 3), endDay: monthDay(4, 19) };
    const first = (await collect(client(ak, { pageLimit: 5 }).pages(range))).flat();
    const second = (await collect(client(ak, { pageLimit: 300 }).pages(range))).flat();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test("a single injected 503 is retried and the call succeeds", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "5xx", status: 503 });
    const pages = await collect(client(ak).pages({ startDay: monthDay(1, 1), endDay: monthDay(1, 3) }));
    expect(pages.flat().map((line) => line.day)).toContain(monthDay(1, 2));
    expect(await requestCount(ak)).toBe(2);
  });

  test("a wrong secret is a permanent signature error whose message does not contain the secret", async () => {
    const ak = newAccessKey();
    const wrongSecret = sandboxSecret(`${ak}-not-it`);
    const error = await captureError(
      collect(
        client(ak, { secretAccessKey: wrongSecret }).pages({
          startDay: monthDay(1, 1),
          endDay: monthDay(1, 3),
        }),
      ),
    );
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
    expect(error.code).toBe("SignatureDoesNotMatch");
    expect(error.message).toMatch(/^Volcano Engine rejected the access key \(401 SignatureDoesNotMatch\)/);
    expect(error.message).not.toContain(wrongSecret);
    expect(await requestCount(ak)).toBe(1);
  });

  test("a revoked access key is a permanent InvalidAccessKey error", async () => {
    const ak = newAccessKey("AKLTrevoked");
    const error = await captureError(
      collect(client(ak).pages({ startDay: monthDay(1, 1), endDay: monthDay(1, 3) })),
    );
    expect(error.kind).toBe("permanent");
    expect(error.code).toBe("InvalidAccessKey");
    expect(error.message).not.toContain(sandboxSecret(ak));
  });

  test("a request signed more than 15 minutes ago is refused as expired", async () => {
    const ak = newAccessKey();
    const url = new URL(`${baseUrl}/?Action=ListBillDetail&Version=2022-01-01`);
    const body = JSON.stringify({ BillPeriod: monthDay(1, 1).slice(0, 7), Limit: 10 });
    const headers = signVolcengineRequest({
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      body,
      accessKeyId: ak,
      secretAccessKey: sandboxSecret(ak),
      region: "cn-north-1",
      service: "billing",
      date: new Date(Date.now() - 16 * 60_000),
    });
    const res = await fetch(url, { method: "POST", headers, body });
    expect(res.status).toBe(400);
    const payload = (await res.json()) as { ResponseMetadata: { Error: { Code: string } } };
    expect(payload.ResponseMetadata.Error.Code).toBe("InvalidTimestamp");
  });

  test("a page that answers a different offset than asked ends in an error instead of a loop", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "repeat-page" });
    const error = await captureError(
      collect(client(ak, { pageLimit: 5 }).pages({ startDay: monthDay(1, 1), endDay: monthDay(1, 20) })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("unexpected_page");
    expect(error.message).toBe(
      "Volcano Engine returned a different page than the one asked for (offset 0 instead of 5)",
    );
  });

  test("a malformed JSON body is a transient error", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "malformed" });
    const error = await captureError(
      collect(client(ak).pages({ startDay: monthDay(1, 1), endDay: monthDay(1, 3) })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("malformed_response");
  });

  test("a 429 flow limit with a long Retry-After is a transient error carrying retryAfterMs", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "429", retryAfterSeconds: 30 });
    const error = await captureError(
      collect(client(ak).pages({ startDay: monthDay(1, 1), endDay: monthDay(1, 3) })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("FlowLimitExceeded");
    expect(error.retryAfterMs).toBe(30_000);
  });

  test("a backfill from before the last 24 months asks only the months Volcano Engine answers, and says so", async () => {
    const ak = newAccessKey();
    const notices: string[] = [];
    const earliest = monthDay(23, 1);
    const pages = await collect(
      client(ak).pages({ startDay: "2021-06-01", endDay: monthDay(22, 3), onNotice: (n) => notices.push(n) }),
    );
    expect(pages.flat().length).toBeGreaterThan(0);
    expect(pages.flat().every((line) => line.day >= earliest)).toBe(true);
    expect(notices).toEqual([
      `Volcano Engine answers bill months from ${earliest.slice(0, 7)} on (the last 24 months, none before 2022-01): days from 2021-06-01 to ${addDaysUtc(earliest, -1)} were not asked for`,
    ]);
    expect(await requestCount(ak)).toBe(2);
  });

  test("a range entirely older than 24 months asks nothing and says so", async () => {
    const ak = newAccessKey();
    const notices: string[] = [];
    const pages = await collect(
      client(ak).pages({ startDay: "2021-06-01", endDay: "2021-07-01", onNotice: (n) => notices.push(n) }),
    );
    expect(pages.flat()).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(await requestCount(ak)).toBe(0);
  });
});

function addDaysUtc(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * 86_400_000).toISOString().slice(0, 10);
}
