// Volcano Engine's published ListBillDetail example (fixtures/, with its source) served by a local
// server and read by the client.
import { afterEach, describe, expect, test } from "vitest";
import { collect, type FixtureServer, serveFixture } from "../test-helpers.ts";
import { createVolcengineCostsClient } from "./client.ts";
import example from "./fixtures/list-bill-detail.docs-example.json" with { type: "json" };

let server: FixtureServer | undefined;
afterEach(() => server?.close());

describe("Volcano Engine ListBillDetail: the provider's published example", () => {
  test("the docs' example: ExpenseDate, Product (no Element), PayableAmount, Currency; paged by Offset", async () => {
    server = await serveFixture((request) => {
      const { Offset } = JSON.parse(request.body) as { Offset: number };
      // The example is the first page of 7721 rows, one per page; the page after it is not published.
      return Offset === 0
        ? { body: example.response }
        : { body: { ...example.response, Result: { List: [], Total: 7721, Limit: 1, Offset } } };
    });
    const client = createVolcengineCostsClient({
      accessKeyId: "AKLTcontract0001",
      secretAccessKey: "contract-secret",
      baseUrl: server.url,
      pageLimit: 1,
      now: () => new Date("2024-03-15T00:00:00Z"),
    });
    const lines = (await collect(client.pages({ startDay: "2024-02-29", endDay: "2024-03-01" }))).flat();
    expect(lines).toEqual([{ day: "2024-02-29", lineItem: "volume", amount: "0.01", currency: "CNY" }]);

    const first = server.requests[0]!;
    expect(first.method).toBe("POST");
    expect(first.url.searchParams.get("Action")).toBe("ListBillDetail");
    expect(first.url.searchParams.get("Version")).toBe("2022-01-01");
    expect(JSON.parse(first.body)).toMatchObject({
      BillPeriod: "2024-02",
      ExpenseDate: "2024-02-29",
      Limit: 1,
      Offset: 0,
    });
    expect(first.headers.authorization).toMatch(
      /^HMAC-SHA256 Credential=AKLTcontract0001\/\d{8}\/cn-north-1\/billing\/request, SignedHeaders=x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    );
    expect(server.requests.map((r) => (JSON.parse(r.body) as { Offset: number }).Offset)).toEqual([0, 1]);
  });
});
