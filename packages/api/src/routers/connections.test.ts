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
    const [connection] = (await callerAs("viewer").connections.list()).items;
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
    expect(listed.items.map((connection) => connection.name)).toEqual(["Overdue"]);
    expect(await callerAs("viewer").connections.summary({ late: true })).toMatchObject({ total: 1, late: 1 });
  });
});

describe("the connections list, page by page", () => {
  type Filter = Omit<
    NonNullable<Parameters<ReturnType<typeof callerAs>["connections"]["list"]>[0]>,
    "cursor"
  >;
  type Row = Awaited<ReturnType<ReturnType<typeof callerAs>["connections"]["list"]>>["items"][number];

  /** Every connection a filter selects, two a page; none twice. */
  async function every(filter: Filter): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Row[]; nextCursor: string | null } = await callerAs("viewer").connections.list({
        ...filter,
        cursor,
        limit: 2,
      });
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    return rows;
  }

  let percent: string;
  let underscore: string;
  beforeAll(async () => {
    [percent, underscore] = (
      await t.db
        .insertInto("tenants")
        .values([
          { name: "Zed 100% Ltd", tier: "free" },
          { name: "Zed_Co", tier: "enterprise" },
        ])
        .returning("id")
        .execute()
    ).map((row) => row.id) as [string, string];
    const rows = [
      ...["one", "two", "three", "four", "five"].map((name) => [percent, "openai", `zz ${name}`]),
      ...["six", "seven"].map((name) => [percent, "anthropic", `zz ${name}`]),
      ...["eight", "nine", "ten"].map((name) => [underscore, "openai", `zz ${name}`]),
    ];
    const ids = await t.db
      .insertInto("connections")
      .values(
        rows.map(([tenant, provider, name]) => ({
          tenant_id: tenant!,
          provider: provider!,
          name: name!,
          credentials_encrypted: "v2.x.y.z",
        })),
      )
      .returning(["id", "name"])
      .execute();
    const id = (name: string) => ids.find((row) => row.name === `zz ${name}`)!.id;
    await t.db
      .updateTable("sync_targets")
      .set({ status: "paused" })
      .where("id", "in", [id("one"), id("eight")])
      .execute();
    await t.db
      .updateTable("sync_targets")
      .set({ sync_status: "failed" })
      .where("id", "in", [id("two"), id("six"), id("nine")])
      .execute();
    await t.db
      .updateTable("sync_targets")
      .set({ sync_status: "running" })
      .where("id", "=", id("three"))
      .execute();
  });

  it("pages each filter to its last connection, and the summary counts what the filter selects", async () => {
    const all = await every({ search: "Zed" });
    expect(all.map((row) => row.name)).toEqual(
      ["five", "four", "one", "seven", "six", "three", "two", "eight", "nine", "ten"].map(
        (name) => `zz ${name}`,
      ),
    );
    expect((await every({ search: "Zed", provider: "anthropic" })).map((row) => row.name)).toEqual([
      "zz seven",
      "zz six",
    ]);
    expect(await every({ search: "Zed", tier: "free" })).toHaveLength(7);
    expect((await every({ tenantId: underscore })).map((row) => row.tenant_name)).toEqual(
      Array(3).fill("Zed_Co"),
    );
    expect((await every({ search: "Zed", status: "paused" })).map((row) => row.name)).toEqual([
      "zz one",
      "zz eight",
    ]);
    expect((await every({ search: "Zed", syncStatus: "failed" })).map((row) => row.name)).toEqual([
      "zz six",
      "zz two",
      "zz nine",
    ]);

    expect(await callerAs("viewer").connections.summary({ search: "Zed" })).toEqual({
      total: 10,
      ok: 0,
      running: 1,
      pending: 6,
      failed: 3,
      paused: 2,
      late: 0,
    });
    expect(
      await callerAs("viewer").connections.summary({ tenantId: percent, syncStatus: "failed" }),
    ).toMatchObject({ total: 2, failed: 2 });
  });

  it("searches tenant and connection names for the text as typed, % and _ included", async () => {
    expect((await every({ search: "100%" })).map((row) => row.tenant_name)).toEqual(
      Array(7).fill("Zed 100% Ltd"),
    );
    expect((await every({ search: "zed_" })).map((row) => row.tenant_name)).toEqual(Array(3).fill("Zed_Co"));
    expect((await every({ search: "ZZ SEV" })).map((row) => row.name)).toEqual(["zz seven"]);
    expect(await every({ search: "no such name" })).toEqual([]);
  });
});
