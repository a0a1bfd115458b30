import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningSandbox, startSandbox } from "./server.ts";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const dayMs = 86_400_000;
const todayMs = Math.floor(Date.now() / dayMs) * dayMs;
const at = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

async function report(query: string) {
  const res = await fetch(`${sandbox.url}/anthropic/v1/organizations/cost_report?${query}`, {
    headers: { "x-api-key": "sk-ant-admin01-sandbox-0001", "anthropic-version": "2023-06-01" },
  });
  return {
    status: res.status,
    retry: res.headers.get("x-should-retry"),
    body: (await res.json()) as {
      data?: { starting_at: string }[];
      error?: { type: string; message: string };
    },
  };
}

describe("sandbox Anthropic cost report", () => {
  test("a range without a complete day gets a non-retryable 400 'Invalid date range', as live", async () => {
    const ranges = [
      // Today to tomorrow: today's bucket is not complete yet.
      `starting_at=${at(todayMs)}&ending_at=${at(todayMs + dayMs)}`,
      // One day, ending a second before midnight (constructorfabric/insight#1901).
      `starting_at=${at(todayMs - 3 * dayMs)}&ending_at=${at(todayMs - 2 * dayMs - 1000)}`,
      // Since 24 hours ago, no ending_at (langwatch/langwatch#7177).
      `starting_at=${at(Date.now() - dayMs)}`,
    ];
    for (const range of ranges) {
      const { status, retry, body } = await report(range);
      expect(status).toBe(400);
      expect(retry).toBe("false");
      expect(body.error).toEqual({
        type: "invalid_request_error",
        message: "Invalid date range: ending date must be after starting date",
      });
    }
  });

  test("buckets start at the first midnight on or after starting_at and stop before today", async () => {
    const { status, body } = await report(
      `starting_at=${at(todayMs - 3 * dayMs + 3_600_000)}&ending_at=${at(todayMs + dayMs)}`,
    );
    expect(status).toBe(200);
    expect(body.data?.map((bucket) => bucket.starting_at)).toEqual([
      at(todayMs - 2 * dayMs),
      at(todayMs - dayMs),
    ]);
  });
});
