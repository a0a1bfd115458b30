import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";

let t: TestDatabase;
let tenantId: string;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

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

function callerAs(role: "viewer" | "operator" | "admin" | null) {
  const ctx: ApiContext = {
    db: t.db,
    secrets,
    user: role ? { id: "00000000-0000-4000-8000-000000000000", username: role, role } : null,
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

/** The field paths a validation error names. */
async function invalidFields(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("BAD_REQUEST");
  const cause = (error as TRPCError).cause as { issues?: { path: PropertyKey[] }[] };
  return (cause.issues ?? []).map((issue) => issue.path.join("."));
}

const secretKey = "sk-admin-very-secret-key-123456";

describe("connections API", () => {
  it("rejects an unknown provider naming the provider field, and saves nothing", async () => {
    const fields = await invalidFields(
      callerAs("admin").connections.create({
        tenantId,
        // @ts-expect-error: an API caller can send anything
        provider: "myspace",
        name: "x",
        credentials: { adminKey: secretKey },
      }),
    );
    expect(fields).toContain("provider");
    expect(await t.db.selectFrom("connections").select("id").execute()).toEqual([]);
  });

  it("rejects missing credentials naming credentials.adminKey, and saves nothing", async () => {
    const fields = await invalidFields(
      callerAs("admin").connections.create({ tenantId, provider: "openai", name: "x", credentials: {} }),
    );
    expect(fields).toEqual(["credentials.adminKey"]);
    expect(await t.db.selectFrom("connections").select("id").execute()).toEqual([]);
  });

  it("answers NOT_FOUND for an unknown tenant or connection", async () => {
    const unknown = "00000000-0000-4000-8000-00000000beef";
    await expect(
      callerAs("admin").connections.create({
        tenantId: unknown,
        provider: "openai",
        name: "x",
        credentials: { adminKey: secretKey },
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: `No tenant with id ${unknown}` });
    await expect(callerAs("viewer").connections.byId({ id: unknown })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerAs("operator").connections.syncNow({ id: unknown })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("stores credentials encrypted and never returns them", async () => {
    const created = await callerAs("admin").connections.create({
      tenantId,
      provider: "openai",
      name: "Main",
      credentials: { adminKey: secretKey },
    });
    const listed = await callerAs("viewer").connections.list();
    const one = await callerAs("viewer").connections.byId({ id: created.id });
    for (const answer of [created, listed, one]) {
      const text = JSON.stringify(answer);
      expect(text).not.toContain(secretKey);
      expect(text).not.toContain("credentials");
    }
    const stored = await t.db
      .selectFrom("connections")
      .select("credentials_encrypted")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(stored.credentials_encrypted).not.toContain(secretKey);
    expect(JSON.parse(secrets.open(stored.credentials_encrypted, created.id))).toEqual({
      adminKey: secretKey,
    });
  });

  it("leaves one pending job when Sync now is pressed twice", async () => {
    const created = await callerAs("admin").connections.create({
      tenantId,
      provider: "openai",
      name: "Twice",
      credentials: { adminKey: secretKey },
    });
    const first = await callerAs("operator").connections.syncNow({ id: created.id });
    const second = await callerAs("operator").connections.syncNow({ id: created.id });
    expect(second.jobId).toBe(first.jobId);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker._private_jobs where key = ${`sync:${created.id}`}`.execute(
      t.db,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("pauses with a reason and resumes as due now", async () => {
    const created = await callerAs("admin").connections.create({
      tenantId,
      provider: "openai",
      name: "Pausable",
      credentials: { adminKey: secretKey },
    });
    const paused = await callerAs("operator").connections.pause({ id: created.id, reason: "Customer asked" });
    expect(paused).toMatchObject({ status: "paused", paused_reason: "Customer asked" });
    const resumed = await callerAs("operator").connections.resume({ id: created.id });
    expect(resumed).toMatchObject({ status: "active", paused_reason: null });
    expect(resumed.next_sync_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("refuses callers who are not logged in, and viewers who try to act", async () => {
    await expect(callerAs(null).connections.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const [connection] = await callerAs("viewer").connections.list();
    await expect(callerAs("viewer").connections.pause({ id: connection!.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await callerAs("viewer").connections.byId({ id: connection!.id })).status).toBe("active");
  });
});

describe("provider pacing settings", () => {
  it("rejects a negative interval naming the field, and saves nothing", async () => {
    const before = await callerAs("viewer").rateLimits.providers();
    const fields = await invalidFields(
      callerAs("admin").rateLimits.updateProvider({
        provider: "openai",
        minIntervalMs: -5,
        hourlyCap: 360,
        maxConcurrency: 4,
      }),
    );
    expect(fields).toEqual(["minIntervalMs"]);
    expect(await callerAs("viewer").rateLimits.providers()).toEqual(before);
  });

  it("lets an admin change a provider's pacing, audited, and answers NOT_FOUND for an unknown provider", async () => {
    const updated = await callerAs("admin").rateLimits.updateProvider({
      provider: "anthropic",
      minIntervalMs: 2_000,
      hourlyCap: 100,
      maxConcurrency: 2,
    });
    expect(updated).toMatchObject({
      provider: "anthropic",
      min_interval_ms: 2_000,
      hourly_cap: 100,
      max_concurrency: 2,
    });
    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("object_id", "=", "anthropic")
      .execute();
    expect(audit).toHaveLength(1);
    await expect(
      callerAs("admin").rateLimits.updateProvider({
        provider: "myspace",
        minIntervalMs: 1,
        hourlyCap: 1,
        maxConcurrency: 1,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("late connections", () => {
  it("lists only active connections overdue by more than their tier's interval", async () => {
    const late = await callerAs("admin").connections.create({
      tenantId,
      provider: "openai",
      name: "Overdue",
      credentials: { adminKey: secretKey },
    });
    const slightlyDue = await callerAs("admin").connections.create({
      tenantId,
      provider: "openai",
      name: "Just due",
      credentials: { adminKey: secretKey },
    });
    // The tenant is on pro: 60 minutes between syncs.
    await sql`update synchub.sync_targets set next_sync_at = now() - interval '61 minutes' where id = ${late.id}`.execute(
      t.db,
    );
    await sql`update synchub.sync_targets set next_sync_at = now() - interval '5 minutes' where id = ${slightlyDue.id}`.execute(
      t.db,
    );
    const listed = await callerAs("viewer").connections.list({ late: true });
    expect(listed.map((connection) => connection.name)).toEqual(["Overdue"]);
  });
});
