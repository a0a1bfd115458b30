// OpenAI's published examples (fixtures/, each with its source) served by a local server and read by
// the client: every documented field the connector reads is read, in every documented variant.
import { afterEach, describe, expect, test } from "vitest";
import { collect, type FixtureServer, serveFixture } from "../test-helpers.ts";
import { createOpenAICostsClient } from "./client.ts";
import stringPage from "./fixtures/costs.live-string-amount.json" with { type: "json" };
import page from "./fixtures/costs.openapi-example.json" with { type: "json" };
import result from "./fixtures/costs-result.openapi-example.json" with { type: "json" };

let server: FixtureServer | undefined;
afterEach(() => server?.close());

async function read(body: unknown) {
  server = await serveFixture(() => ({ body }));
  const client = createOpenAICostsClient({ adminKey: "sk-admin-contract-0001", baseUrl: server.url });
  return (await collect(client.pages({ startDay: "2024-11-01", endDay: "2024-11-02" }))).flat();
}

describe("OpenAI costs: the provider's published examples", () => {
  test("the spec's page example: day from start_time, amount.value (number), currency upper-cased, null line item", async () => {
    expect(await read(page.response)).toEqual([
      { day: "2024-11-01", lineItem: "unattributed", amount: "0.06", currency: "USD" },
    ]);
    expect(server?.requests[0]?.url.searchParams.get("start_time")).toBe("1730419200");
    expect(server?.requests[0]?.headers.authorization).toBe("Bearer sk-admin-contract-0001");
  });

  test("the spec's Costs object example grouped by line item and project", async () => {
    const grouped = { ...page.response, data: [{ ...page.response.data[0]!, results: [result.result] }] };
    expect(await read(grouped)).toEqual([
      { day: "2024-11-01", lineItem: "input_tokens", amount: "0.06", currency: "USD" },
    ]);
  });

  test("amount.value as the live API sends it for some organizations, a string: kept exactly", async () => {
    expect(await read(stringPage.response)).toEqual([
      { day: "2024-11-01", lineItem: "unattributed", amount: "12.5", currency: "USD" },
    ]);
    // More digits than a double holds survive too: the string is never parsed as a number.
    const precise = structuredClone(stringPage.response);
    precise.data[0]!.results[0]!.amount.value = "1234567890.12345678";
    expect((await read(precise))[0]?.amount).toBe("1234567890.12345678");
  });

  test("a result without amount (the spec makes it optional) is skipped, not a failure", async () => {
    const { amount: _amount, ...withoutAmount } = result.result;
    const body = { ...page.response, data: [{ ...page.response.data[0]!, results: [withoutAmount] }] };
    expect(await read(body)).toEqual([]);
  });
});
