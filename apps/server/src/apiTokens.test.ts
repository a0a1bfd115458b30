import { randomBytes, randomUUID } from "node:crypto";
import { createSynchubClient } from "@synchub/client";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./server.ts";

let t: TestDatabase;
let server: RunningServer;
let connectionId: string;
let adminCookie: string;
const encryptionKey = randomBytes(32).toString("base64");

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startServer({
    connectionString: t.url,
    encryptionKey,
    admin: { username: "admin", password: "correct horse battery" },
    port: 0,
  });
  const tenant = await t.db
    .insertInto("tenants")
    .values({ name: "Acme", tier: "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  connectionId = randomUUID();
  await t.db
    .insertInto("connections")
    .values({
      id: connectionId,
      tenant_id: tenant.id,
      provider: "openai",
      name: "Main",
      base_url: null,
      credentials_encrypted: createSecretBox(encryptionKey).seal(
        JSON.stringify({ adminKey: "sk-x-123456789" }),
        connectionId,
      ),
    })
    .execute();
  const login = await fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { username: "admin", password: "correct horse battery" } }),
  });
  adminCookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

/** Creates a token as the logged-in admin, over HTTP like the admin UI does. */
async function createToken(name: string, role: "viewer" | "operator" | "admin", procedures?: string[]) {
  const admin = createSynchubClient({
    url: server.url,
    headers: { cookie: adminCookie, origin: server.url },
  });
  return admin.tokens.create.mutate(procedures ? { name, role, procedures } : { name, role });
}

function call(path: string, token: string, input?: unknown) {
  const body = JSON.stringify({ json: input });
  return input === undefined
    ? fetch(`${server.url}/trpc/${path}`, { headers: { authorization: `Bearer ${token}` } })
    : fetch(`${server.url}/trpc/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
}

function connectionStatus() {
  return t.db
    .selectFrom("sync_targets")
    .select("status")
    .where("id", "=", connectionId)
    .executeTakeFirstOrThrow()
    .then((row) => row.status);
}

describe("API tokens over HTTP", () => {
  it("lets a viewer token read but answers FORBIDDEN to an operator action, changing nothing", async () => {
    const { token } = await createToken("dashboard", "viewer");
    const list = await call("connections.list", token);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("Main");

    const pause = await call("connections.pause", token, { id: connectionId });
    expect(pause.status).toBe(403);
    expect(await connectionStatus()).toBe("active");
    const audited = await t.db
      .selectFrom("audit_log")
      .select("id")
      .where("object_id", "=", connectionId)
      .execute();
    expect(audited).toEqual([]);
  });

  it("gives an operator token its role's rights, audited under the token's name, without a cookie", async () => {
    const { token } = await createToken("billing-service", "operator");
    const pause = await call("connections.pause", token, { id: connectionId });
    expect(pause.status).toBe(200);
    expect(pause.headers.get("set-cookie")).toBeNull();
    expect(await connectionStatus()).toBe("paused");
    const resume = await call("connections.resume", token, { id: connectionId });
    expect(resume.status).toBe(200);
    expect(await connectionStatus()).toBe("active");

    // Operator is not admin: managing tokens stays out of reach.
    expect((await call("tokens.create", token, { name: "escalate", role: "admin" })).status).toBe(403);

    const actors = await t.db
      .selectFrom("audit_log")
      .select(["actor", "action"])
      .where("object_id", "=", connectionId)
      .orderBy("id")
      .execute();
    expect(actors).toEqual([
      { actor: "token:billing-service", action: "connection.pause" },
      { actor: "token:billing-service", action: "connection.resume" },
    ]);
  });

  it("keeps a token scoped to named procedures to those, whatever its role", async () => {
    const scoped = await createToken("pause-only", "admin", ["connections.pause"]);
    expect(scoped.procedures).toEqual(["connections.pause"]);
    const list = await call("connections.list", scoped.token);
    expect(list.status).toBe(403);
    expect(await list.text()).toContain("This API token may call only connections.pause");
    expect((await call("tokens.create", scoped.token, { name: "escalate", role: "admin" })).status).toBe(403);
    const pause = await call("connections.pause", scoped.token, { id: connectionId });
    expect(pause.status).toBe(200);
    expect(await connectionStatus()).toBe("paused");
    await call("connections.resume", (await createToken("resume", "operator")).token, { id: connectionId });
  });

  it("refuses a scope naming a procedure that does not exist, naming the entry, and creates nothing", async () => {
    const refused = await fetch(`${server.url}/trpc/tokens.create`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: adminCookie, origin: server.url },
      body: JSON.stringify({
        json: { name: "typo", role: "viewer", procedures: ["quotas.consume", "quotas.consum"] },
      }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("procedures.1: There is no procedure quotas.consum");
    const rows = await t.db.selectFrom("api_tokens").select("id").where("name", "=", "typo").execute();
    expect(rows).toEqual([]);
  });

  it("stamps last_used_at on use", async () => {
    const created = await createToken("stamp", "viewer");
    expect(created.last_used_at).toBeNull();
    expect((await call("connections.list", created.token)).status).toBe(200);
    const row = await t.db
      .selectFrom("api_tokens")
      .select("last_used_at")
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it("answers 401 to a revoked token and to an unknown one", async () => {
    const created = await createToken("to-revoke", "admin");
    expect((await call("connections.list", created.token)).status).toBe(200);
    const admin = createSynchubClient({
      url: server.url,
      headers: { cookie: adminCookie, origin: server.url },
    });
    await admin.tokens.revoke.mutate({ id: created.id });

    expect((await call("connections.list", created.token)).status).toBe(401);
    expect((await call("connections.list", `shk_${randomBytes(32).toString("base64url")}`)).status).toBe(401);
    // A bad token is not rescued by a valid cookie sent alongside it.
    const both = await fetch(`${server.url}/trpc/connections.list`, {
      headers: { authorization: `Bearer ${created.token}`, cookie: adminCookie },
    });
    expect(both.status).toBe(401);
  });

  it("createSynchubClient({ url, token }) lists connections and triggers a sync against a real server", async () => {
    const { token } = await createToken("other-service", "operator");
    const synchub = createSynchubClient({ url: server.url, token });
    const connections = await synchub.connections.list.query();
    expect(connections.items.map((c) => c.name)).toEqual(["Main"]);
    const { jobId } = await synchub.connections.syncNow.mutate({ id: connectionId });
    expect(jobId).toBeTruthy();

    const revokedClient = createSynchubClient({ url: server.url, token: "shk_not-a-real-token" });
    const error = await revokedClient.connections.list.query().catch((e: unknown) => e);
    expect((error as { data?: { code?: string } }).data?.code).toBe("UNAUTHORIZED");
    expect((error as Error).message).toBe("The API token is unknown or revoked");
  });
});
