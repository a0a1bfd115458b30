import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

// Migration 0011 moved the sync path's CHECK constraints into domains: the same values must
// still be refused, from any writer, with an error that names the rule, and change nothing.
let t: TestDatabase;
let connectionId: string;
let runId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  const tenant = await t.db
    .insertInto("tenants")
    .values({ name: "Domains", tier: "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const connection = await t.db
    .insertInto("connections")
    .values({
      tenant_id: tenant.id,
      provider: "openai",
      name: "domains",
      credentials_encrypted: "v1.x.y.z",
      status: "paused",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  connectionId = connection.id;
  const run = await t.db
    .insertInto("sync_runs")
    .values({ connection_id: connectionId, trigger: "manual" })
    .returning("id")
    .executeTakeFirstOrThrow();
  runId = run.id;
});
afterAll(async () => {
  await t.drop();
});

async function connectionRow() {
  return t.db.selectFrom("connections").selectAll().where("id", "=", connectionId).executeTakeFirstOrThrow();
}

async function runsOfConnection() {
  return t.db
    .selectFrom("sync_runs")
    .select(["trigger", "status", "error_class"])
    .where("connection_id", "=", connectionId)
    .execute();
}

describe("sync path value rules (domains)", () => {
  it.each([
    ["status", "archived", /connection_status_values/],
    ["sync_status", "done", /sync_status_values/],
    ["sync_error_class", "fatal", /error_class_values/],
    ["consecutive_failures", -1, /failure_count_not_negative/],
    ["auth_failures", -2, /failure_count_not_negative/],
    ["pacing_min_interval_ms", -5, /interval_ms_not_negative/],
    ["pacing_hourly_cap", 0, /hourly_cap_positive/],
  ])("refuse connections.%s = %j and leave the row as it was", async (column, value, rule) => {
    const before = await connectionRow();
    await expect(
      sql`update synchub.connections set ${sql.ref(column)} = ${value} where id = ${connectionId}`.execute(
        t.db,
      ),
    ).rejects.toThrow(rule);
    expect(await connectionRow()).toEqual(before);
  });

  it("refuse a run's unknown trigger", async () => {
    await expect(
      t.db
        .insertInto("sync_runs")
        .values({ connection_id: connectionId, trigger: "cron" as never })
        .execute(),
    ).rejects.toThrow(/run_trigger_values/);
    expect(await runsOfConnection()).toEqual([{ trigger: "manual", status: "running", error_class: null }]);
  });

  it.each([
    ["status", "cancelled", /run_status_values/],
    ["error_class", "odd", /error_class_values/],
  ])("refuse sync_runs.%s = %j and leave the run as it was", async (column, value, rule) => {
    await expect(
      sql`update synchub.sync_runs set ${sql.ref(column)} = ${value} where id = ${runId}`.execute(t.db),
    ).rejects.toThrow(rule);
    expect(await runsOfConnection()).toEqual([{ trigger: "manual", status: "running", error_class: null }]);
  });

  it("refuse a negative provider slot", async () => {
    await expect(
      t.db.insertInto("provider_slots").values({ provider: "openai", slot: -1 }).execute(),
    ).rejects.toThrow(/slot_number_not_negative/);
  });

  it("still accept every allowed value, and read back integers as numbers", async () => {
    for (const status of ["pending", "running", "ok", "failed"] as const) {
      await t.db
        .updateTable("connections")
        .set({ sync_status: status })
        .where("id", "=", connectionId)
        .execute();
    }
    await t.db
      .updateTable("connections")
      .set({
        consecutive_failures: 3,
        pacing_min_interval_ms: 0,
        pacing_hourly_cap: 1,
        sync_error_class: "permanent",
      })
      .where("id", "=", connectionId)
      .execute();
    const row = await connectionRow();
    expect(row).toMatchObject({
      sync_status: "failed",
      consecutive_failures: 3,
      pacing_min_interval_ms: 0,
      pacing_hourly_cap: 1,
      sync_error_class: "permanent",
    });
  });
});
