import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reserveRateLimit } from "./repositories/flowControl.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
let second: TestDatabase["db"];
beforeAll(async () => {
  t = await createTestDatabase();
  // A second pool plays another worker process.
  const { createDb } = await import("./client.ts");
  second = createDb({ connectionString: t.url, maxConnections: 10 });
});
afterAll(async () => {
  await second.destroy();
  await t.drop();
});

describe("shared rate limits", () => {
  it("never hands two callers slots closer than the key's interval, however many race", async () => {
    const limit = { key: "provider:race", minIntervalMs: 50, hourlyCap: 1000 };
    const slots = await Promise.all(
      Array.from({ length: 30 }, (_, i) => reserveRateLimit(i % 2 ? second : t.db, limit, 60_000)),
    );
    expect(slots.every((slot) => slot.granted)).toBe(true);
    const times = slots.map((slot) => slot.slot.getTime()).sort((a, b) => a - b);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
  });

  it("refuses past the hourly cap and says when budget returns", async () => {
    const limit = { key: "credential:capped", minIntervalMs: 0, hourlyCap: 3 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await reserveRateLimit(t.db, limit, 1000));
    expect(results.map((r) => r.granted)).toEqual([true, true, true, false, false]);
    const waitMs = results[4]!.slot.getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(59 * 60_000);
    const row = await t.db
      .selectFrom("rate_limits")
      .selectAll()
      .where("key", "=", limit.key)
      .executeTakeFirstOrThrow();
    expect(Number(row.deferrals)).toBe(2);
  });

  it("defers rather than waits when the next slot is further away than the caller will wait", async () => {
    const limit = { key: "provider:slow", minIntervalMs: 10_000, hourlyCap: 100 };
    expect((await reserveRateLimit(t.db, limit, 1000)).granted).toBe(true);
    const next = await reserveRateLimit(t.db, limit, 1000);
    expect(next.granted).toBe(false);
    expect(next.slot.getTime() - Date.now()).toBeGreaterThan(8_000);
  });
});
