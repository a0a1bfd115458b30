import { describe, expect, inject, test } from "vitest";
import { ProviderError } from "./errors.ts";
import { createCostsClient, credentialsSchemaFor, providerIds } from "./providers.ts";

const sandboxUrl = inject("sandboxUrl");

describe("provider registry", () => {
  test("every provider id has a credentials schema", () => {
    for (const id of providerIds) expect(credentialsSchemaFor(id)).toBeDefined();
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
