import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningSandbox, startSandbox } from "./server.ts";
import { sandboxVolcengineSecretFor } from "./volcengine.ts";

// A private sandbox with pacing on: 1/100 of the real intervals (OpenAI 10 s -> 100 ms, an hour -> 36 s),
// for calls that must get through once the interval has passed.
let paced: RunningSandbox;
// The real intervals (5 to 10 s, an hour), for calls that must be refused "right after" another:
// at 1/100, a loaded machine took more than 100 ms between two calls and the second got through.
let strict: RunningSandbox;
beforeAll(async () => {
  paced = await startSandbox({ port: 0, pacing: { scale: 0.01 } });
  strict = await startSandbox({
    port: 0,
    pacing: { scale: 1, overrides: { anthropic: { minIntervalMs: 0, hourlyCap: 2 } } },
  });
});
afterAll(async () => {
  await paced.close();
  await strict.close();
});

const march1 = Date.UTC(2024, 2, 1) / 1000;
/** Volcano Engine serves only the last 24 bill months. */
const lastMonthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1));
const lastMonth = lastMonthStart.toISOString().slice(0, 7);

function openai(sandbox: RunningSandbox, key: string) {
  return fetch(`${sandbox.url}/openai/v1/organization/costs?start_time=${march1}`, {
    headers: { authorization: `Bearer ${key}` },
  });
}

function anthropic(sandbox: RunningSandbox, key: string) {
  return fetch(`${sandbox.url}/anthropic/v1/organizations/cost_report?starting_at=2024-03-01T00:00:00Z`, {
    headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
  });
}

function openrouter(sandbox: RunningSandbox, key: string) {
  return fetch(`${sandbox.url}/openrouter/api/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
}

/** A correctly signed ListBillDetail call, written out here as a client independent of the connector. */
function volcengine(
  sandbox: RunningSandbox,
  ak: string,
  options: { secret?: string; date?: Date; billPeriod?: string; signHost?: boolean } = {},
) {
  const url = new URL(`${sandbox.url}/volcengine/?Action=ListBillDetail&Version=2022-01-01`);
  const body = JSON.stringify({ BillPeriod: options.billPeriod ?? lastMonth, Limit: 10, GroupPeriod: 1 });
  const signHost = options.signHost ?? true;
  const signedHeaders = signHost ? "host;x-content-sha256;x-date" : "x-content-sha256;x-date";
  const xDate = (options.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  const hash = (text: string) => createHash("sha256").update(text).digest("hex");
  const canonical = [
    "POST",
    "/volcengine/",
    "Action=ListBillDetail&Version=2022-01-01",
    `${signHost ? `host:${url.host}\n` : ""}x-content-sha256:${hash(body)}\nx-date:${xDate}\n`,
    signedHeaders,
    hash(body),
  ].join("\n");
  const scope = `${xDate.slice(0, 8)}/cn-north-1/billing/request`;
  let key: Buffer = Buffer.from(options.secret ?? sandboxVolcengineSecretFor(ak));
  for (const part of [xDate.slice(0, 8), "cn-north-1", "billing", "request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  const signature = createHmac("sha256", key)
    .update(["HMAC-SHA256", xDate, scope, hash(canonical)].join("\n"))
    .digest("hex");
  return fetch(url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-date": xDate,
      "x-content-sha256": hash(body),
      authorization: `HMAC-SHA256 Credential=${ak}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  });
}

async function rateState(sandbox: RunningSandbox, provider: string, key: string) {
  const res = await fetch(
    `${sandbox.url}/__sandbox/rate-limits?provider=${provider}&key=${encodeURIComponent(key)}`,
  );
  return (await res.json()) as Record<string, unknown>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sandbox rate limits", () => {
  test("a second call right after the first gets 429 with Retry-After in OpenAI's error shape", async () => {
    const key = "sk-admin-paced-openai-0001";
    expect((await openai(strict, key)).status).toBe(200);
    const limited = await openai(strict, key);
    expect(limited.status).toBe(429);
    // What is left of OpenAI's 10 s, in whole seconds.
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    const body = (await limited.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: "rate_limit_exceeded", type: "requests" });

    const requests = await fetch(`${strict.url}/__sandbox/requests?key=${key}`);
    expect(await requests.json()).toEqual({ key, count: 2, throttled: 1 });
    expect(await rateState(strict, "openai", key)).toMatchObject({
      enabled: true,
      minIntervalMs: 10_000,
      hourlyCap: 360,
      windowMs: 3_600_000,
      callsInWindow: 1,
      throttled: 1,
    });
  });

  test("a call after the scaled interval is accepted again", async () => {
    const key = "sk-admin-paced-openai-0002";
    expect((await openai(paced, key)).status).toBe(200);
    await pause(150);
    expect((await openai(paced, key)).status).toBe(200);
    expect((await rateState(paced, "openai", key)).callsInWindow).toBe(2);
  });

  test("different keys and different providers do not affect each other", async () => {
    expect((await openai(strict, "sk-admin-paced-openai-0003")).status).toBe(200);
    expect((await openai(strict, "sk-admin-paced-openai-0004")).status).toBe(200);
    expect((await openrouter(strict, "sk-or-v1-paced-0003")).status).toBe(200);
    expect((await openai(strict, "sk-admin-paced-openai-0003")).status).toBe(429);
  });

  test("the hourly cap is enforced, with a Retry-After until the oldest call leaves the window", async () => {
    const key = "sk-ant-admin01-paced-0001";
    expect((await anthropic(strict, key)).status).toBe(200);
    expect((await anthropic(strict, key)).status).toBe(200);
    const capped = await anthropic(strict, key);
    expect(capped.status).toBe(429);
    // The oldest call leaves the hour-long window in just under an hour.
    const retryAfter = Number(capped.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3_000);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    expect(await capped.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(await rateState(strict, "anthropic", key)).toMatchObject({ hourlyCap: 2, callsInWindow: 2 });
  });

  test("OpenRouter and Volcano Engine answer 429 in their own error shapes", async () => {
    const orKey = "sk-or-v1-paced-0001";
    expect((await openrouter(strict, orKey)).status).toBe(200);
    const orLimited = await openrouter(strict, orKey);
    expect(orLimited.status).toBe(429);
    expect(Number(orLimited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(orLimited.headers.get("retry-after"))).toBeLessThanOrEqual(5);
    expect(await orLimited.json()).toEqual({ error: { code: 429, message: "Rate limit exceeded" } });

    const ak = "AKLTpacedvolc0001";
    expect((await volcengine(strict, ak)).status).toBe(200);
    const volcLimited = await volcengine(strict, ak);
    expect(volcLimited.status).toBe(429);
    expect(Number(volcLimited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(volcLimited.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    const body = (await volcLimited.json()) as { ResponseMetadata: { Error: { Code: string } } };
    expect(body.ResponseMetadata.Error.Code).toBe("FlowLimitExceeded");
  });

  test("calls refused for bad credentials do not use up the key's allowance", async () => {
    const ak = "AKLTpacedvolc0002";
    expect((await volcengine(paced, ak, { secret: "wrong" })).status).toBe(401);
    expect((await volcengine(paced, ak)).status).toBe(200);
  });

  test("a sandbox started without pacing does not rate limit", async () => {
    const plain = await startSandbox({ port: 0 });
    try {
      const key = "sk-admin-unpaced-0001";
      for (let i = 0; i < 3; i++) expect((await openai(plain, key)).status).toBe(200);
      expect(await rateState(plain, "openai", key)).toMatchObject({ enabled: false, throttled: 0 });
    } finally {
      await plain.close();
    }
  });

  test("the rate-limit state endpoint names a missing or unknown provider", async () => {
    const res = await fetch(`${paced.url}/__sandbox/rate-limits?provider=aws&key=x`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("provider");
  });

  test("a negative pacing scale is refused at start", async () => {
    await expect(startSandbox({ port: 0, pacing: { scale: -1 } })).rejects.toThrow(RangeError);
  });
});

describe("sandbox Volcano Engine signature checks", () => {
  test("a correct signature gets bill rows in the ListBillDetail shape", async () => {
    const res = await volcengine(paced, "AKLTsigcheck0001");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      Result: { List: Record<string, unknown>[]; Limit: number; Offset: number };
    };
    expect(body.Result.Limit).toBe(10);
    expect(body.Result.Offset).toBe(0);
    expect(body.Result.List[0]).toMatchObject({
      BillPeriod: lastMonth,
      ExpenseDate: `${lastMonth}-01`,
      Currency: "CNY",
    });
  });

  test("a signature without host, as the official SDK signs (x-content-sha256;x-date), is accepted", async () => {
    const res = await volcengine(paced, "AKLTsigcheck0004", { signHost: false });
    expect(res.status).toBe(200);
  });

  test("a bill month before the last 24 months, or before 2022-01, gets 400 RequestInvalid", async () => {
    const now = new Date();
    const tooOld = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 24, 1))
      .toISOString()
      .slice(0, 7);
    const oldest = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1))
      .toISOString()
      .slice(0, 7);
    for (const [i, billPeriod] of [tooOld, "2021-12"].entries()) {
      const res = await volcengine(paced, `AKLTsigcheck000${5 + i}`, { billPeriod });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { ResponseMetadata: { Error: { Code: string; Message: string } } };
      expect(body.ResponseMetadata.Error.Code).toBe("RequestInvalid");
      expect(body.ResponseMetadata.Error.Message).toContain("last 24 months");
    }
    expect((await volcengine(paced, "AKLTsigcheck0007", { billPeriod: oldest })).status).toBe(200);
  });

  test("a wrong secret gets 401 SignatureDoesNotMatch in the real error shape", async () => {
    const res = await volcengine(paced, "AKLTsigcheck0002", { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { ResponseMetadata: { Error: Record<string, unknown> } };
    expect(body.ResponseMetadata.Error).toMatchObject({ Code: "SignatureDoesNotMatch", CodeN: 100010 });
  });

  test("an X-Date more than 15 minutes off gets InvalidTimestamp", async () => {
    const early = await volcengine(paced, "AKLTsigcheck0003", { date: new Date(Date.now() - 16 * 60_000) });
    const late = await volcengine(paced, "AKLTsigcheck0003", { date: new Date(Date.now() + 16 * 60_000) });
    for (const res of [early, late]) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { ResponseMetadata: { Error: { Code: string } } };
      expect(body.ResponseMetadata.Error.Code).toBe("InvalidTimestamp");
    }
  });

  test("a missing Authorization header gets MissingAuthenticationToken", async () => {
    const res = await fetch(`${paced.url}/volcengine/?Action=ListBillDetail&Version=2022-01-01`, {
      method: "POST",
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { ResponseMetadata: { Error: { Code: string } } };
    expect(body.ResponseMetadata.Error.Code).toBe("MissingAuthenticationToken");
  });

  test("the sandbox secret for an access key is the documented hash", () => {
    expect(sandboxVolcengineSecretFor("AKLTexample")).toBe(
      createHash("sha256").update("sandbox-secret:AKLTexample").digest("hex"),
    );
  });
});
