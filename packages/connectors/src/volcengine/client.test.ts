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
      client(ak, { pageLimit: 7 }).pages({ startDay: "2024-03-01", endDay: "2024-03-11" }),
    );

    expect(pages).toHaveLength(1);
    const lines = pages.flat();
    expect([...new Set(lines.map((line) => line.day))].sort()).toEqual(
      daysBetween("2024-03-01", "2024-03-11"),
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
    const pages = await collect(client(ak).pages({ startDay: "2024-02-27", endDay: "2024-03-03" }));
    expect(pages).toHaveLength(2);
    expect([...new Set(pages[0]!.map((line) => line.day))].sort()).toEqual([
      "2024-02-27",
      "2024-02-28",
      "2024-02-29",
    ]);
    expect([...new Set(pages[1]!.map((line) => line.day))].sort()).toEqual(["2024-03-01", "2024-03-02"]);
    expect(await requestCount(ak)).toBe(2);
  });

  test("the same key and range give identical results twice, whatever the page size", async () => {
    const ak = newAccessKey();
    const range = { startDay: "2024-06-03", endDay: "2024-06-19" };
    const first = (await collect(client(ak, { pageLimit: 5 }).pages(range))).flat();
    const second = (await collect(client(ak, { pageLimit: 300 }).pages(range))).flat();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test("a single injected 503 is retried and the call succeeds", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "5xx", status: 503 });
    const pages = await collect(client(ak).pages({ startDay: "2024-05-01", endDay: "2024-05-03" }));
    expect(pages.flat().map((line) => line.day)).toContain("2024-05-02");
    expect(await requestCount(ak)).toBe(2);
  });

  test("a wrong secret is a permanent signature error whose message does not contain the secret", async () => {
    const ak = newAccessKey();
    const wrongSecret = sandboxSecret(`${ak}-not-it`);
    const error = await captureError(
      collect(
        client(ak, { secretAccessKey: wrongSecret }).pages({ startDay: "2024-05-01", endDay: "2024-05-03" }),
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
      collect(client(ak).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("permanent");
    expect(error.code).toBe("InvalidAccessKey");
    expect(error.message).not.toContain(sandboxSecret(ak));
  });

  test("a request signed more than 15 minutes ago is refused as expired", async () => {
    const ak = newAccessKey();
    const url = new URL(`${baseUrl}/?Action=ListBillDetail&Version=2022-01-01`);
    const body = JSON.stringify({ BillPeriod: "2024-05", Limit: 10 });
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
      collect(client(ak, { pageLimit: 5 }).pages({ startDay: "2024-05-01", endDay: "2024-05-20" })),
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
      collect(client(ak).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("malformed_response");
  });

  test("a 429 flow limit with a long Retry-After is a transient error carrying retryAfterMs", async () => {
    const ak = newAccessKey();
    await injectFault({ key: ak, kind: "429", retryAfterSeconds: 30 });
    const error = await captureError(
      collect(client(ak).pages({ startDay: "2024-05-01", endDay: "2024-05-03" })),
    );
    expect(error.kind).toBe("transient");
    expect(error.code).toBe("FlowLimitExceeded");
    expect(error.retryAfterMs).toBe(30_000);
  });
});
