import { randomBytes } from "node:crypto";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
let connectionId: string;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  connectionId = await insertTestConnection(t.db, { status: "paused" });
  await t.db
    .insertInto("rate_limits")
    .values([
      { key: "provider:openai", min_interval_ms: 1000, hourly_cap: 100, deferrals: 3, throttled: 1 },
      { key: `credential:${connectionId}`, min_interval_ms: 0, hourly_cap: 10, deferrals: 2 },
      // A target without a connection (another kind's), and a key of no known shape.
      { key: `credential:${crypto.randomUUID()}`, min_interval_ms: 0, hourly_cap: 10 },
      { key: "credential:not-a-uuid", min_interval_ms: 0, hourly_cap: 10 },
    ])
    .execute();
  await sql`update synchub.rate_limits set paused_until = now() + interval '5 minutes', pause_reason = '429'
    where key = 'provider:openai'`.execute(t.db);
});
afterAll(() => t.drop());

const caller = () => callerFor(t.db, secrets);

describe("rateLimits.list", () => {
  it("lists the pools' keys first and names a credential key's connection", async () => {
    const first = await caller().rateLimits.list({ limit: 2 });
    // The pool's key, then credential keys (in the database's collation order, whatever it is).
    expect(first.items.map((row) => row.key)).toEqual([
      "provider:openai",
      expect.stringMatching(/^credential:/),
    ]);
    expect(first.items[0]).toMatchObject({ paused: true, subject_name: null });
    const rest = await caller().rateLimits.list({ cursor: first.nextCursor, limit: 2 });
    expect(rest.nextCursor).toBeNull();
    const all = [...first.items, ...rest.items];
    expect(all).toHaveLength(4);
    expect(all.find((row) => row.key === `credential:${connectionId}`)?.subject_name).toBe("T / c");
    expect(all.filter((row) => row.subject_name === null)).toHaveLength(3);
  });

  it("sums every key for the summary", async () => {
    expect(await caller().rateLimits.summary()).toEqual({ keys: 4, paused: 1, deferrals: 5, throttled: 1 });
  });
});
