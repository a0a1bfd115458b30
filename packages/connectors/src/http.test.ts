import { describe, expect, it } from "vitest";
import { type HttpCall, observeHttpCalls, requestJson } from "./http.ts";
import { serveFixture } from "./test-helpers.ts";

describe("requestJson's attempt observer", () => {
  it("tells each attempt, a 503 retry included, without query values or secrets", async () => {
    let served = 0;
    const peer = await serveFixture(() => {
      served += 1;
      return served === 1
        ? { status: 503, body: { error: { message: "down for sk-secret-123", code: "unavailable" } } }
        : { body: { ok: true } };
    });
    const calls: HttpCall[] = [];
    try {
      const body = await requestJson({
        provider: "fixture",
        url: `${peer.url}/v1/costs/sk-secret-123?api_key=sk-secret-123&page=2&page=3`,
        secrets: ["sk-secret-123"],
        retry: { attempts: 3, baseDelayMs: 1 },
        onAttempt: (call) => calls.push(call),
      });
      expect(body).toEqual({ ok: true });
    } finally {
      await peer.close();
    }
    expect(calls.map((call) => [call.attempt, call.status, call.method])).toEqual([
      [1, 503, "GET"],
      [2, 200, "GET"],
    ]);
    expect(calls[0]?.path).toBe("/v1/costs/[redacted]?api_key=…&page=…");
    expect(calls[0]?.host).toBe(new URL(peer.url).host);
    expect(calls[0]?.error).toBe(
      "unavailable: fixture failed to answer (503 unavailable): down for [redacted]",
    );
    expect(calls[1]?.error).toBeNull();
    expect(JSON.stringify(calls)).not.toContain("sk-secret-123");
  });

  it("reaches calls made inside observeHttpCalls, and a network error has no status", async () => {
    const calls: HttpCall[] = [];
    await observeHttpCalls(
      (call) => calls.push(call),
      () =>
        requestJson({
          provider: "nowhere",
          // Port 9 (discard) on localhost: refused at once.
          url: "http://127.0.0.1:9/v1/x",
          method: "post",
          retry: { attempts: 1 },
        }).catch(() => undefined),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: "POST", path: "/v1/x", status: null, attempt: 1 });
    expect(calls[0]?.error).toMatch(/^network_error: Could not reach nowhere/);
  });

  it("is not broken by an observer that throws", async () => {
    const peer = await serveFixture(() => ({ body: [1] }));
    try {
      const body = await requestJson({
        provider: "fixture",
        url: peer.url,
        onAttempt: () => {
          throw new Error("observer bug");
        },
      });
      expect(body).toEqual([1]);
    } finally {
      await peer.close();
    }
  });
});
