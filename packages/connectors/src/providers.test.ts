import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { ProviderError } from "./errors.ts";
import {
  type CredentialsFor,
  createCostsClient,
  credentialsSchemaFor,
  type ProviderId,
  providerIds,
  providers,
} from "./providers.ts";
import { collect, injectFault, requestCount, sandboxUrl, uniqueKey, utcDayOffset } from "./test-helpers.ts";

describe("provider registry", () => {
  test("every provider id has a credentials schema, a display name and a default base URL", () => {
    expect(providerIds).toEqual(["openai", "anthropic", "openrouter", "volcengine"]);
    for (const id of providerIds) {
      expect(credentialsSchemaFor(id)).toBeDefined();
      expect(providers[id].displayName.length).toBeGreaterThan(0);
      expect(providers[id].defaultBaseUrl).toMatch(/^https:\/\//);
    }
  });

  test("missing credentials of each provider are reported with the field name and a clear message", () => {
    const cases: [ProviderId, Record<string, string>, string, RegExp][] = [
      ["anthropic", { adminKey: "" }, "adminKey", /Anthropic Admin API key/],
      ["openrouter", {}, "apiKey", /OpenRouter management API key/],
      ["volcengine", { accessKeyId: "AKLTx" }, "secretAccessKey", /secret access key/],
      ["volcengine", { secretAccessKey: "s" }, "accessKeyId", /access key id/],
    ];
    for (const [provider, credentials, field, message] of cases) {
      const result = credentialsSchemaFor(provider).safeParse(credentials);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([field]);
      expect(result.error?.issues[0]?.message).toMatch(message);
    }
  });

  test("missing OpenAI credentials are reported with the field name", () => {
    const result = credentialsSchemaFor("openai").safeParse({ adminKey: "  " });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["adminKey"]);
  });

  test("creating a client with missing credentials throws a permanent error naming the field", () => {
    const error = (() => {
      try {
        createCostsClient("openai", { adminKey: "" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("permanent");
    expect((error as ProviderError).code).toBe("missing_credentials");
    expect((error as ProviderError).message).toContain("adminKey");
  });

  test("the provider-agnostic client reads costs through the same pages interface", async () => {
    const costs = createCostsClient(
      "openai",
      { adminKey: "sk-admin-registry-test-0001" },
      { baseUrl: `${sandboxUrl}/openai`, retry: { baseDelayMs: 10 } },
    );
    const days = new Set<string>();
    for await (const page of costs.pages({ startDay: "2024-07-01", endDay: "2024-07-04" })) {
      for (const line of page) days.add(line.day);
    }
    expect([...days].sort()).toEqual(["2024-07-01", "2024-07-02", "2024-07-03"]);
  });

  test("every provider reads costs through the same pages interface", async () => {
    const ak = "AKLTregistrytest0001";
    const credentials: { [P in ProviderId]: CredentialsFor<P> } = {
      openai: { adminKey: "sk-admin-registry-test-0003" },
      anthropic: { adminKey: "sk-ant-admin01-registry-test-0001" },
      openrouter: { apiKey: "sk-or-v1-registry-test-0001" },
      volcengine: {
        accessKeyId: ak,
        secretAccessKey: createHash("sha256").update(`sandbox-secret:${ak}`).digest("hex"),
      },
    };
    // OpenRouter only serves the last 30 completed days, so use recent days for everyone.
    const range = { startDay: utcDayOffset(-4), endDay: utcDayOffset(-1) };
    for (const provider of providerIds) {
      const costs = createCostsClient(provider, credentials[provider], {
        baseUrl: `${sandboxUrl}/${provider}`,
        retry: { baseDelayMs: 10 },
      });
      const days = new Set<string>();
      for await (const page of costs.pages(range)) for (const line of page) days.add(line.day);
      expect([...days].sort(), provider).toEqual([utcDayOffset(-4), utcDayOffset(-3), utcDayOffset(-2)]);
    }
  });

  test("beforeRequest runs before every HTTP request, retries included", async () => {
    const key = uniqueKey("sk-ant-admin01-hook-");
    await injectFault({ key, kind: "5xx", status: 503 });
    let calls = 0;
    const costs = createCostsClient(
      "anthropic",
      { adminKey: key },
      {
        baseUrl: `${sandboxUrl}/anthropic`,
        retry: { baseDelayMs: 10 },
        beforeRequest: async () => {
          calls += 1;
        },
      },
    );
    const pages = await collect(costs.pages({ startDay: "2024-05-01", endDay: "2024-05-03" }));
    expect(pages.flat().length).toBeGreaterThan(0);
    expect(calls).toBe(2);
    expect(await requestCount(key)).toBe(2);
  });

  test("an error thrown by beforeRequest ends the call unchanged and sends nothing", async () => {
    const ak = uniqueKey("AKLThook");
    class Deferral extends Error {}
    const costs = createCostsClient(
      "volcengine",
      { accessKeyId: ak, secretAccessKey: "unused" },
      {
        baseUrl: `${sandboxUrl}/volcengine`,
        beforeRequest: () => Promise.reject(new Deferral("no budget until later")),
      },
    );
    // Recent days: Volcano Engine is asked only for bill months of the last 24 months.
    const error = await collect(costs.pages({ startDay: utcDayOffset(-3), endDay: utcDayOffset(-1) })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(Deferral);
    expect(await requestCount(ak)).toBe(0);
  });

  test("the client-wide signal aborts every call", async () => {
    const controller = new AbortController();
    controller.abort();
    const costs = createCostsClient(
      "openai",
      { adminKey: "sk-admin-registry-test-0002" },
      { baseUrl: `${sandboxUrl}/openai`, signal: controller.signal },
    );
    const iterator = costs.pages({ startDay: "2024-07-01" })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toMatchObject({ name: "AbortError" });
  });
});
