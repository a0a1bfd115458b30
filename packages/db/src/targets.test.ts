import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function targetOf(connectionId: string) {
  return t.db
    .selectFrom("sync_targets")
    .select(["kind", "subject_id", "pool", "interval_ms", "priority", "status"])
    .where("id", "=", connectionId)
    .executeTakeFirst();
}

describe("a connection's sync target", () => {
  it("is created with the connection, paced by its provider's pool and its tenant's tier", async () => {
    const tenant = await t.db
      .insertInto("tenants")
      .values({ name: "Acme", tier: "free" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const connection = await t.db
      .insertInto("connections")
      .values({
        tenant_id: tenant.id,
        provider: "anthropic",
        name: "Main",
        base_url: null,
        credentials_encrypted: "v2.x.y.z",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await targetOf(connection.id)).toEqual({
      kind: "llm.costs",
      subject_id: connection.id,
      pool: "anthropic",
      interval_ms: 6 * 3_600_000,
      priority: 30,
      status: "active",
    });

    // The tenant upgrades: its connections sync every 30 minutes, ahead of the other tiers.
    await t.db.updateTable("tenants").set({ tier: "enterprise" }).where("id", "=", tenant.id).execute();
    expect(await targetOf(connection.id)).toMatchObject({ interval_ms: 30 * 60_000, priority: 10 });

    // Deleting the connection deletes its target (and its runs with it).
    await t.db.deleteFrom("connections").where("id", "=", connection.id).execute();
    expect(await targetOf(connection.id)).toBeUndefined();
  });
});
