import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiToken, loginCookie, mutate, startTestServer, type TestServer } from "../testing.ts";

let s: TestServer;
let connectionId: string;
beforeAll(async () => {
  s = await startTestServer();
  const tenant = await s.t.db
    .insertInto("tenants")
    .values({ name: "Acme", tier: "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  connectionId = (
    await s.t.db
      .insertInto("connections")
      .values({
        tenant_id: tenant.id,
        provider: "openai",
        name: "Main",
        base_url: null,
        credentials_encrypted: "v1.x.y.z",
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => s.close());

async function connectionState() {
  const row = await s.t.db
    .selectFrom("sync_targets")
    .select("status")
    .where("id", "=", connectionId)
    .executeTakeFirstOrThrow();
  const audited = await s.t.db
    .selectFrom("audit_log")
    .select("id")
    .where("action", "=", "connection.pause")
    .execute();
  return { status: row.status, audited: audited.length };
}

describe("cookie-authenticated changes from another site", () => {
  it("are refused with 403 and change nothing, whether the browser sends Origin, Referer or neither", async () => {
    const cookie = await loginCookie(s.server.url);
    const forged: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { referer: "http://evil.example/page.html" },
      { origin: "null" },
      {},
    ];
    for (const headers of forged) {
      const response = await mutate(
        s.server.url,
        "connections.pause",
        { id: connectionId },
        { cookie, ...headers },
      );
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toContain("Cross-site request refused");
    }
    expect(await connectionState()).toEqual({ status: "active", audited: 0 });
  });

  it("are allowed from the console's own origin", async () => {
    const cookie = await loginCookie(s.server.url);
    const response = await mutate(
      s.server.url,
      "connections.pause",
      { id: connectionId },
      { cookie, origin: s.server.url },
    );
    expect(response.status).toBe(200);
    await mutate(
      s.server.url,
      "connections.resume",
      { id: connectionId },
      { cookie, referer: `${s.server.url}/connections` },
    );
    expect(await connectionState()).toEqual({ status: "active", audited: 1 });
  });

  it("leave API-token calls alone, whatever Origin they carry", async () => {
    const token = await insertApiToken(s.t, "operator");
    const response = await mutate(
      s.server.url,
      "connections.syncNow",
      { id: connectionId },
      { authorization: `Bearer ${token}`, origin: "http://evil.example" },
    );
    expect(response.status).toBe(200);
  });
});

describe("with SYNCHUB_PUBLIC_URL set", () => {
  it("allows only the public origin and the configured dev origins", async () => {
    const configured = await startTestServer(
      { publicUrl: "https://synchub.example.com", trustedOrigins: ["http://127.0.0.1:5173"] },
      s.t,
    );
    try {
      const cookie = await loginCookie(configured.server.url);
      const from = (origin: string) =>
        mutate(configured.server.url, "auth.logout", {}, { cookie, origin }).then(
          (response) => response.status,
        );
      // The server's own address is not the public one: a proxy in front must be the way in.
      expect(await from(configured.server.url)).toBe(403);
      expect(await from("https://evil.example")).toBe(403);
      expect(await from("http://127.0.0.1:5173")).toBe(200);
      expect(await from("https://synchub.example.com")).toBe(200);
    } finally {
      await configured.close();
    }
  });
});
