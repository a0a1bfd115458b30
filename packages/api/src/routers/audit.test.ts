import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  const at = "2025-02-02T02:02:02Z";
  await t.db
    .insertInto("audit_log")
    .values([
      ...Array.from({ length: 5 }, (_, i) => ({
        at,
        actor: "admin",
        action: i % 2 ? "auth.login" : "auth.login_failed",
        object_type: "user",
        object_id: "u-1",
      })),
      ...Array.from({ length: 4 }, () => ({
        at,
        actor: "ops",
        action: "connection.pause",
        object_type: "connection",
        object_id: "c-1",
      })),
      { at, actor: "ops", action: "connection.resume", object_type: "connection", object_id: "c-2" },
      // An underscore in a family is a character, not a wildcard: "deadXletter." is not "dead_letter.".
      { at, actor: "ops", action: "deadXletter.replay", object_type: "dead_letter", object_id: "1" },
      { at, actor: "ops", action: "dead_letter.replay", object_type: "dead_letter", object_id: "2" },
    ])
    .execute();
});
afterAll(() => t.drop());

const caller = () => callerFor(t.db, secrets);

type Filter = Omit<NonNullable<Parameters<ReturnType<typeof caller>["audit"]["list"]>[0]>, "cursor">;
type Entry = Awaited<ReturnType<ReturnType<typeof caller>["audit"]["list"]>>["items"][number];

/** Every entry a filter selects, two a page; none twice. */
async function every(filter: Filter): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Entry[]; nextCursor: string | null } = await caller().audit.list({
      ...filter,
      cursor,
      limit: 2,
    });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
  return entries;
}

describe("audit.list", () => {
  it("pages each filter to its last entry, newest first", async () => {
    const all = await every({});
    expect(all).toHaveLength(12);
    const ids = all.map((entry) => Number(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    expect(await every({ actor: "ops" })).toHaveLength(7);
    expect(await every({ objectType: "connection" })).toHaveLength(5);
    expect((await every({ objectId: "c-1" })).map((entry) => entry.action)).toEqual(
      Array(4).fill("connection.pause"),
    );
    expect(await every({ objectType: "connection", objectId: "c-2" })).toHaveLength(1);
    expect(await every({ action: "connection.pause" })).toHaveLength(4);
    expect(new Set((await every({ action: "auth." })).map((entry) => entry.action))).toEqual(
      new Set(["auth.login", "auth.login_failed"]),
    );
    expect(await every({ action: "auth." })).toHaveLength(5);
    expect((await every({ action: "dead_letter." })).map((entry) => entry.object_id)).toEqual(["2"]);
    expect(await every({ actor: "nobody" })).toEqual([]);
  });
});
