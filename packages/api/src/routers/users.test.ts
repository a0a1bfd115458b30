import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../auth/sessions.ts";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";

let t: TestDatabase;
let adminId: string;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

beforeAll(async () => {
  t = await createTestDatabase();
  adminId = (
    await t.db
      .insertInto("users")
      .values({ username: "root", password_hash: "x", role: "admin" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.drop());

function callerAs(role: "viewer" | "operator" | "admin", id = "00000000-0000-4000-8000-000000000000") {
  const ctx: ApiContext = {
    db: t.db,
    secrets,
    user: { id, username: role === "admin" && id === adminId ? "root" : role, role },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

function auditRows(objectId: string) {
  return t.db.selectFrom("audit_log").selectAll().where("object_id", "=", objectId).orderBy("id").execute();
}

describe("users API", () => {
  it("rejects a 5-character password as BAD_REQUEST naming password, and creates nobody", async () => {
    const error = await errorOf(
      callerAs("admin").users.create({ username: "short", password: "12345", role: "viewer" }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    const issues = (error.cause as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
    expect(issues.map((issue) => issue.path.join("."))).toEqual(["password"]);
    expect(await t.db.selectFrom("users").select("id").where("username", "=", "short").execute()).toEqual([]);
  });

  it("refuses usernames with control, invisible or direction-changing characters, creating nobody", async () => {
    for (const username of ["adm\u202Ein", "ops\u200Banna", "bell\u0007", "rtl\u2067x", "tab\u0009x"]) {
      const error = await errorOf(
        callerAs("admin").users.create({ username, password: "whatever123", role: "viewer" }),
      );
      expect(error.code, JSON.stringify(username)).toBe("BAD_REQUEST");
      const issues = (error.cause as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
      expect(issues.map((issue) => issue.path.join("."))).toContain("username");
    }
    expect(
      await t.db.selectFrom("users").select("username").where("username", "!=", "root").execute(),
    ).toEqual([]);
    const accented = await callerAs("admin").users.create({
      username: "zoë.müller",
      password: "whatever123",
      role: "viewer",
    });
    expect(accented.username).toBe("zoë.müller");
    await callerAs("admin").users.delete({ id: accented.id });
  });

  it("creates, re-roles and deletes a user, each change leaving an audit row by its actor", async () => {
    const admin = callerAs("admin", adminId);
    const created = await admin.users.create({
      username: "ops-anna",
      password: "long enough pw",
      role: "viewer",
    });
    expect(created).toMatchObject({ username: "ops-anna", role: "viewer" });
    expect(await admin.users.list()).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: "ops-anna", role: "viewer" })]),
    );
    // The password is stored as an scrypt hash, never in clear.
    const stored = await t.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    expect(stored.password_hash).not.toContain("long enough pw");

    await admin.users.setRole({ id: created.id, role: "operator" });
    await admin.users.delete({ id: created.id });
    expect(await t.db.selectFrom("users").select("id").where("id", "=", created.id).execute()).toEqual([]);

    const rows = await auditRows(created.id);
    expect(rows.map((row) => [row.action, row.actor, row.object_type])).toEqual([
      ["user.create", "root", "user"],
      ["user.setRole", "root", "user"],
      ["user.delete", "root", "user"],
    ]);
    expect(rows[1]?.details).toMatchObject({ username: "ops-anna", from: "viewer", to: "operator" });
    expect(JSON.stringify(rows)).not.toContain("long enough pw");
  });

  it("refuses to let an admin delete their own account", async () => {
    const error = await errorOf(callerAs("admin", adminId).users.delete({ id: adminId }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(await t.db.selectFrom("users").select("id").where("id", "=", adminId).execute()).toHaveLength(1);
  });

  it("answers CONFLICT for a taken username and NOT_FOUND for an unknown user, auditing neither", async () => {
    const admin = callerAs("admin", adminId);
    const before = await t.db.selectFrom("audit_log").select("id").execute();
    expect(
      (await errorOf(admin.users.create({ username: "root", password: "whatever123", role: "viewer" }))).code,
    ).toBe("CONFLICT");
    const unknown = "00000000-0000-4000-8000-00000000beef";
    expect((await errorOf(admin.users.setRole({ id: unknown, role: "admin" }))).code).toBe("NOT_FOUND");
    expect((await errorOf(admin.users.delete({ id: unknown }))).code).toBe("NOT_FOUND");
    expect(await t.db.selectFrom("audit_log").select("id").execute()).toHaveLength(before.length);
  });

  it("forbids an operator to manage users, and changes nothing", async () => {
    const error = await errorOf(
      callerAs("operator").users.create({ username: "sneaky", password: "password123", role: "admin" }),
    );
    expect(error.code).toBe("FORBIDDEN");
    expect(await t.db.selectFrom("users").select("id").where("username", "=", "sneaky").execute()).toEqual(
      [],
    );
  });
});

describe("tokens API", () => {
  it("shows a new token once: the list and the table hold only its prefix and sha256", async () => {
    const admin = callerAs("admin", adminId);
    const created = await admin.tokens.create({ name: "billing-service", role: "operator" });
    expect(created.token).toMatch(/^shk_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 8));

    const listed = await admin.tokens.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, name: "billing-service", role: "operator" }),
    ]);
    const listedText = JSON.stringify(listed);
    expect(listedText).not.toContain(created.token);
    expect(listedText).not.toContain(hashToken(created.token));
    expect(listedText).not.toContain("token_hash");

    const row = await t.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.token_hash).toBe(hashToken(created.token));
    expect(row.created_by).toBe("root");
  });

  it("revokes a token once, each change leaving an audit row without the secret", async () => {
    const admin = callerAs("admin", adminId);
    const created = await admin.tokens.create({ name: "reporting", role: "viewer" });
    const revoked = await admin.tokens.revoke({ id: created.id });
    expect(revoked.revoked_at).toBeInstanceOf(Date);
    expect((await errorOf(admin.tokens.revoke({ id: created.id }))).code).toBe("NOT_FOUND");

    const rows = await auditRows(created.id);
    expect(rows.map((row) => [row.action, row.actor, row.object_type])).toEqual([
      ["token.create", "root", "api_token"],
      ["token.revoke", "root", "api_token"],
    ]);
    expect(JSON.stringify(rows)).not.toContain(created.token);
  });

  it("forbids a viewer to create tokens, and stores nothing", async () => {
    const before = await t.db.selectFrom("api_tokens").select("id").execute();
    const error = await errorOf(callerAs("viewer").tokens.create({ name: "escalate", role: "admin" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await t.db.selectFrom("api_tokens").select("id").execute()).toHaveLength(before.length);
  });
});

describe("audit API", () => {
  it("lists newest first and filters by object type, object and actor", async () => {
    const viewer = callerAs("viewer");
    const all = (await viewer.audit.list()).items;
    expect(all.length).toBeGreaterThan(3);
    const times = all.map((row) => Number(row.id));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const tokens = (await viewer.audit.list({ objectType: "api_token" })).items;
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((row) => row.object_type === "api_token")).toBe(true);

    const one = tokens[0]!;
    expect(
      (await viewer.audit.list({ objectId: one.object_id! })).items.every(
        (row) => row.object_id === one.object_id,
      ),
    ).toBe(true);
    expect(await viewer.audit.list({ actor: "nobody-at-all" })).toEqual({ items: [], nextCursor: null });
    const two = await viewer.audit.list({ actor: "root", limit: 2 });
    expect(two.items).toHaveLength(2);
    expect(two.nextCursor).toEqual(expect.any(String));
  });
});
