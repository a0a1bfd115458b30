import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db
    .insertInto("tenants")
    .values(
      ["Acme", "Acme Labs", "acme", "Globex", "Initech", "Acme"].map((name) => ({
        name,
        tier: "pro" as const,
      })),
    )
    .execute();
});
afterAll(() => t.drop());

const caller = () => callerFor(t.db, secrets);

describe("tenants.list", () => {
  it("pages the tenants whose name contains the search, case-insensitive, by name, to the last", async () => {
    const names: string[] = [];
    const ids = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof caller>["tenants"]["list"]>> =
        await caller().tenants.list({
          search: "acme",
          cursor,
          limit: 1,
        });
      for (const tenant of page.items) {
        names.push(tenant.name);
        ids.add(tenant.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const expected = await t.db
      .selectFrom("tenants")
      .select("name")
      .where("name", "ilike", "%acme%")
      .orderBy("name")
      .orderBy("id")
      .execute();
    expect(names).toEqual(expected.map((row) => row.name));
    expect([...names].sort()).toEqual(["Acme", "Acme", "Acme Labs", "acme"].sort());
    expect(ids.size).toBe(4);
    expect((await caller().tenants.list()).items).toHaveLength(6);
  });
});
