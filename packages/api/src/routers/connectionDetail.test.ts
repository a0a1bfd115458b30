import { randomBytes } from "node:crypto";
import { findConnectionForSync } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox, tierIntervalMs } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
let tenantId: string;
const secrets = createSecretBox(randomBytes(32).toString("base64"));
const unknown = "00000000-0000-4000-8000-00000000beef";
const oldKey = "sk-admin-old-key-0000000000";
const newKey = "sk-admin-rotated-key-1111111111";

beforeAll(async () => {
  t = await createTestDatabase();
  tenantId = (
    await t.db
      .insertInto("tenants")
      .values({ name: "Acme", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.drop());

async function newConnection(name = "Main"): Promise<string> {
  const created = await callerFor(t.db, secrets, "admin").connections.create({
    tenantId,
    provider: "openai",
    name,
    credentials: { adminKey: oldKey },
  });
  return created.id;
}

/** The field paths and messages a BAD_REQUEST names, as the errorFormatter sends them. */
async function badRequestIssues(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  const cause = (error as TRPCError).cause as { issues?: { path: PropertyKey[]; message: string }[] };
  return (cause.issues ?? []).map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

async function auditOf(objectId: string) {
  return t.db
    .selectFrom("audit_log")
    .select(["action", "actor", "details"])
    .where("object_id", "=", objectId)
    .orderBy("id")
    .execute();
}

describe("a connection's page", () => {
  it("renames a connection, audited with the old and new names", async () => {
    const id = await newConnection("Old name");
    const renamed = await callerFor(t.db, secrets, "operator").connections.rename({
      id,
      name: "  New name  ",
    });
    expect(renamed.name).toBe("New name");
    expect((await callerFor(t.db, secrets).connections.byId({ id })).name).toBe("New name");
    expect(await auditOf(id)).toContainEqual({
      action: "connection.rename",
      actor: "operator-user",
      details: { from: "Old name", to: "New name" },
    });
  });

  it("refuses a blank or overlong name with a message naming the field, and keeps the old one", async () => {
    const id = await newConnection("Kept");
    const operator = callerFor(t.db, secrets, "operator");
    expect(await badRequestIssues(operator.connections.rename({ id, name: "   " }))).toEqual([
      { path: "name", message: "Enter a name" },
    ]);
    expect(await badRequestIssues(operator.connections.rename({ id, name: "x".repeat(201) }))).toEqual([
      { path: "name", message: "Use at most 200 characters" },
    ]);
    expect((await callerFor(t.db, secrets).connections.byId({ id })).name).toBe("Kept");
  });

  it("rotates credentials: the next sync opens the new key, which is never returned nor audited", async () => {
    const id = await newConnection();
    const answer = await callerFor(t.db, secrets, "admin").connections.rotateCredentials({
      id,
      credentials: { adminKey: newKey },
    });
    const forSync = await findConnectionForSync(t.db, id);
    expect(JSON.parse(secrets.open(forSync!.credentials_encrypted, id))).toEqual({ adminKey: newKey });
    const shown = JSON.stringify([answer, await callerFor(t.db, secrets).connections.byId({ id })]);
    expect(shown).not.toContain(newKey);
    expect(shown).not.toContain(oldKey);
    expect(shown).not.toContain("credentials");
    const audit = await auditOf(id);
    expect(audit).toContainEqual({
      action: "connection.rotate_credentials",
      actor: "admin-user",
      details: { provider: "openai", fields: ["adminKey"] },
    });
    expect(JSON.stringify(audit)).not.toContain(newKey);
  });

  it("refuses credentials the provider cannot use, naming the missing field, and keeps the old ones", async () => {
    const id = await newConnection();
    const before = (await findConnectionForSync(t.db, id))!.credentials_encrypted;
    expect(
      await badRequestIssues(
        callerFor(t.db, secrets, "admin").connections.rotateCredentials({
          id,
          credentials: { apiKey: newKey },
        }),
      ),
    ).toEqual([{ path: "credentials.adminKey", message: "OpenAI admin key is required" }]);
    expect((await findConnectionForSync(t.db, id))!.credentials_encrypted).toBe(before);
    expect((await auditOf(id)).map((entry) => entry.action)).not.toContain("connection.rotate_credentials");
  });

  it("lets a viewer change nothing and an operator not rotate credentials", async () => {
    const id = await newConnection("Untouched");
    const viewer = callerFor(t.db, secrets, "viewer");
    await expect(viewer.connections.rename({ id, name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.tenants.setTier({ id: tenantId, tier: "free" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      callerFor(t.db, secrets, "operator").connections.rotateCredentials({
        id,
        credentials: { adminKey: newKey },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const forSync = await findConnectionForSync(t.db, id);
    expect(JSON.parse(secrets.open(forSync!.credentials_encrypted, id))).toEqual({ adminKey: oldKey });
    expect((await viewer.connections.byId({ id })).name).toBe("Untouched");
  });

  it("answers NOT_FOUND for an unknown connection or tenant", async () => {
    const admin = callerFor(t.db, secrets, "admin");
    await expect(admin.connections.rename({ id: unknown, name: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      admin.connections.rotateCredentials({ id: unknown, credentials: { adminKey: newKey } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.connections.history({ id: unknown })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.tenants.setTier({ id: unknown, tier: "free" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("changes the tier of the tenant, and with it the connection's interval, audited", async () => {
    const id = await newConnection();
    const before = await callerFor(t.db, secrets).connections.byId({ id });
    expect(before).toMatchObject({ tier: "pro", interval_ms: tierIntervalMs.pro });
    const tenant = await callerFor(t.db, secrets, "operator").tenants.setTier({
      id: tenantId,
      tier: "enterprise",
    });
    expect(tenant).toMatchObject({ tier: "enterprise", interval_ms: tierIntervalMs.enterprise });
    expect(await callerFor(t.db, secrets).connections.byId({ id })).toMatchObject({
      tier: "enterprise",
      interval_ms: tierIntervalMs.enterprise,
    });
    expect(await auditOf(tenantId)).toContainEqual({
      action: "tenant.set_tier",
      actor: "operator-user",
      details: { from: "pro", to: "enterprise" },
    });
    expect(
      await badRequestIssues(
        callerFor(t.db, secrets, "operator").tenants.setTier({ id: tenantId, tier: "gold" as "free" }),
      ),
    ).toEqual([{ path: "tier", message: "Pick one of: free, pro, enterprise" }]);
    await callerFor(t.db, secrets, "operator").tenants.setTier({ id: tenantId, tier: "pro" });
  });

  it("says who paused it, why, and its last failure", async () => {
    const id = await newConnection();
    const viewer = callerFor(t.db, secrets);
    expect(await viewer.connections.byId({ id })).toMatchObject({
      paused_by_system: false,
      last_failure: null,
    });
    await callerFor(t.db, secrets, "operator").connections.pause({ id, reason: "Billing dispute" });
    expect(await viewer.connections.byId({ id })).toMatchObject({
      status: "paused",
      paused_reason: "Billing dispute",
      paused_by_system: false,
    });
    // What three authentication failures in a row leave behind (runTarget's pause and run).
    await t.db
      .updateTable("sync_targets")
      .set({ auth_failures: 3, sync_status: "failed", sync_error: "401 invalid key" })
      .where("id", "=", id)
      .execute();
    await t.db
      .insertInto("runs")
      .values([
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: id,
          trigger: "schedule",
          status: "failed",
          error: "older",
        },
        {
          task: "sync.target",
          kind: "llm.costs",
          target_id: id,
          trigger: "schedule",
          status: "failed",
          error: "401 invalid key",
          error_class: "permanent",
          finished_at: new Date(),
        },
      ])
      .execute();
    const detail = await viewer.connections.byId({ id });
    expect(detail).toMatchObject({
      paused_by_system: true,
      sync_error: "401 invalid key",
      last_failure: { error: "401 invalid key", error_class: "permanent" },
    });
    expect(detail.last_failure!.at).toBeInstanceOf(Date);
  });

  it("charts cost per day over the days asked for, oldest first", async () => {
    const id = await newConnection();
    await sql`insert into synchub.cost_rows (connection_id, day, line_item, amount, currency)
      values (${id}::uuid, current_date, 'gpt-4o', 1.25, 'usd'),
             (${id}::uuid, current_date, 'gpt-4o-mini', 0.5, 'usd'),
             (${id}::uuid, current_date - 3, 'gpt-4o', 2, 'usd'),
             (${id}::uuid, current_date - 40, 'gpt-4o', 9, 'usd')`.execute(t.db);
    const viewer = callerFor(t.db, secrets);
    const month = await viewer.connections.history({ id });
    expect(month.map(({ totalCost, rows, currency }) => ({ totalCost, rows, currency }))).toEqual([
      { totalCost: "2.00000000", rows: 1, currency: "usd" },
      { totalCost: "1.75000000", rows: 2, currency: "usd" },
    ]);
    expect(month[1]!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await viewer.connections.history({ id, days: 90 })).toHaveLength(3);
    expect(await viewer.connections.history({ id, days: 1 })).toHaveLength(1);
    expect(await badRequestIssues(viewer.connections.history({ id, days: 91 }))).toEqual([
      { path: "days", message: "Use at most 90" },
    ]);
    expect(
      await badRequestIssues(viewer.connections.history({ id, days: "1.5" as unknown as number })),
    ).toEqual([{ path: "days", message: "Use a whole number" }]);
  });
});
