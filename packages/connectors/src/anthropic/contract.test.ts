// Anthropic's published example and the live error (fixtures/, each with its source) served by a
// local server and read by the client.
import { afterEach, describe, expect, test } from "vitest";
import { collect, type FixtureServer, serveFixture } from "../test-helpers.ts";
import { createAnthropicCostsClient } from "./client.ts";
import example from "./fixtures/cost-report.docs-example.json" with { type: "json" };
import invalidRange from "./fixtures/invalid-date-range.live-error.json" with { type: "json" };

let server: FixtureServer | undefined;
afterEach(() => server?.close());

const now = () => new Date("2025-08-10T12:00:00Z");

describe("Anthropic cost report: the provider's published example", () => {
  test("the docs' example: day, description, amount in cents as dollars, currency; next_page followed", async () => {
    server = await serveFixture((request) =>
      request.url.searchParams.has("page")
        ? // The example says has_more; the page after it (not published) ends the listing.
          { body: { data: [], has_more: false, next_page: null } }
        : { body: example.response },
    );
    const client = createAnthropicCostsClient({
      adminKey: "sk-ant-admin01-contract",
      baseUrl: server.url,
      now,
    });
    const lines = (await collect(client.pages({ startDay: "2025-08-01", endDay: "2025-08-02" }))).flat();

    expect(lines).toEqual([
      {
        day: "2025-08-01",
        lineItem: "Claude Sonnet 4 Usage - Input Tokens",
        amount: "1.2378912",
        currency: "USD",
      },
    ]);
    expect(server.requests.map((r) => r.url.searchParams.get("page"))).toEqual([
      null,
      "2019-12-27T18:11:19.117Z",
    ]);
    const first = server.requests[0]!;
    expect(first.headers["anthropic-version"]).toBe("2023-06-01");
    expect(first.url.searchParams.get("starting_at")).toBe("2025-08-01T00:00:00Z");
    expect(first.url.searchParams.get("ending_at")).toBe("2025-08-02T00:00:00Z");
    expect(first.url.searchParams.getAll("group_by[]")).toEqual(["description"]);
  });

  test("the live 400 'Invalid date range' is nothing yet: no lines, no error", async () => {
    server = await serveFixture(() => ({
      status: invalidRange.status,
      headers: invalidRange.headers,
      body: invalidRange.response,
    }));
    const client = createAnthropicCostsClient({
      adminKey: "sk-ant-admin01-contract",
      baseUrl: server.url,
      now,
    });
    expect((await collect(client.pages({ startDay: "2025-08-09" }))).flat()).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test("any other 400 still fails permanently", async () => {
    server = await serveFixture(() => ({
      status: 400,
      body: {
        type: "error",
        error: { type: "invalid_request_error", message: "limit: Input should be less than or equal to 31" },
      },
    }));
    const client = createAnthropicCostsClient({
      adminKey: "sk-ant-admin01-contract",
      baseUrl: server.url,
      now,
    });
    await expect(collect(client.pages({ startDay: "2025-08-01" }))).rejects.toMatchObject({
      kind: "permanent",
      status: 400,
    });
  });
});
