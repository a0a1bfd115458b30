import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiToken, mutate, query, startTestServer, type TestServer, testAdmin } from "../testing.ts";

// Two server processes' worth of servers on one database: the count is shared through Postgres.
// Both trust X-Forwarded-For so each test can speak from its own client address.
let t: TestDatabase;
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  t = await createTestDatabase();
  a = await startTestServer({ trustProxy: true }, t);
  b = await startTestServer({ trustProxy: true }, t);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await t.drop();
});

function login(server: TestServer, from: string, username: string, password: string) {
  return mutate(server.server.url, "auth.login", { username, password }, { "x-forwarded-for": from });
}

async function auditOf(username: string) {
  return t.db
    .selectFrom("audit_log")
    .select(["actor", "action", "details"])
    .where("object_id", "=", username)
    .orderBy("id")
    .execute();
}

describe("login throttling", () => {
  it("refuses the right password with 429 and Retry-After after ten failures spread over two servers", async () => {
    for (let i = 0; i < 10; i++) {
      const response = await login(i % 2 ? a : b, `198.51.100.${i}`, testAdmin.username, `wrong-${i}`);
      expect(response.status).toBe(401);
    }
    const refused = await login(a, "198.51.100.99", testAdmin.username, testAdmin.password);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(refused.headers.get("set-cookie")).toBeNull();
    expect(await refused.text()).toContain("Too many failed logins: try again in 15 minutes");

    const entries = await auditOf(testAdmin.username);
    expect(entries.filter((entry) => entry.action === "auth.login_failed")).toHaveLength(10);
    expect(entries.filter((entry) => entry.action === "auth.lockout")).toEqual([
      { actor: "admin", action: "auth.lockout", details: { address: "198.51.100.9", seconds: 900 } },
    ]);
    expect(entries.some((entry) => entry.action === "auth.login")).toBe(false);
  });

  it("answers an unknown username exactly as a real one", async () => {
    const answers: [number, string][] = [];
    for (const username of ["ghost", "operator-jane"]) {
      for (let i = 0; i < 10; i++) await login(b, `203.0.113.${i}`, username, "nope-nope");
      const refused = await login(b, "203.0.113.200", username, "nope-nope");
      answers.push([
        refused.status,
        ((await refused.json()) as { error: { json: { message: string } } }).error.json.message,
      ]);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.[0]).toBe(429);
  });

  it("locks an address that tries ten usernames, and lets another address in", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await login(a, "192.0.2.7", `user-${i}`, "guessing")).status).toBe(401);
    }
    const sameAddress = await login(a, "192.0.2.7", "someone-else", "guessing");
    expect(sameAddress.status).toBe(429);
    await t.db.deleteFrom("login_throttle").where("key", "like", "login-user:%").execute();
    const otherAddress = await login(b, "192.0.2.8", testAdmin.username, testAdmin.password);
    expect(otherAddress.status).toBe(200);
  });

  it("audits a success with the client address, and the audit log filters login events", async () => {
    await t.db.deleteFrom("login_throttle").execute();
    const response = await login(a, "192.0.2.50", testAdmin.username, testAdmin.password);
    expect(response.status).toBe(200);
    const entries = await auditOf(testAdmin.username);
    expect(entries.at(-1)).toEqual({
      actor: "admin",
      action: "auth.login",
      details: { address: "192.0.2.50" },
    });

    const token = await insertApiToken(t, "viewer");
    const listed = await query(
      a.server.url,
      "audit.list",
      { action: "auth.", limit: 200 },
      { authorization: `Bearer ${token}` },
    );
    const rows = ((await listed.json()) as { result: { data: { json: { items: { action: string }[] } } } })
      .result.data.json.items;
    expect(new Set(rows.map((row) => row.action))).toEqual(
      new Set(["auth.login", "auth.login_failed", "auth.lockout"]),
    );
    const lockouts = await query(
      a.server.url,
      "audit.list",
      { action: "auth.lockout" },
      { authorization: `Bearer ${token}` },
    );
    const lockoutRows = (
      (await lockouts.json()) as { result: { data: { json: { items: { action: string }[] } } } }
    ).result.data.json.items;
    expect(lockoutRows.length).toBeGreaterThanOrEqual(3);
    expect(lockoutRows.every((row) => row.action === "auth.lockout")).toBe(true);
  });
});
