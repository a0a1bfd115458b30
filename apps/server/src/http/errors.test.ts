import net from "node:net";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertApiToken,
  loginCookie,
  mutate,
  query,
  startTestServer,
  type TestServer,
  type TrpcErrorBody,
} from "../testing.ts";

let s: TestServer;
let adminToken: string;
beforeAll(async () => {
  s = await startTestServer();
  adminToken = await insertApiToken(s.t, "admin");
});
afterAll(() => s.close());

const asAdmin = () => ({ authorization: `Bearer ${adminToken}` });

describe("error answers", () => {
  it("carry a message, the code and a request id, never a stack or a path on disk", async () => {
    const response = await query(s.server.url, "connections.byId", { id: "not-a-uuid" }, asAdmin());
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/stack|node_modules|\/work\/|at .*\.ts:\d+/);
    const body = JSON.parse(text) as TrpcErrorBody;
    expect(body.error.json.data).toMatchObject({
      code: "BAD_REQUEST",
      httpStatus: 400,
      path: "connections.byId",
    });
    expect(body.error.json.data.requestId).toBe(response.headers.get("x-request-id"));
    expect(body.error.json.data.issues).toEqual([{ path: "id", message: expect.any(String) }]);
  });

  it("hide an unexpected failure behind its request id, and log its stack under that id", async () => {
    // A fault the code does not expect: the table behind the audit log is gone.
    await sql`alter table synchub.audit_log rename to audit_log_away`.execute(s.t.db);
    try {
      const response = await query(s.server.url, "audit.list", {}, asAdmin());
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toMatch(/audit_log|relation|stack|node_modules/);
      const body = JSON.parse(text) as TrpcErrorBody;
      const requestId = body.error.json.data.requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.error.json.message).toBe(`Internal server error (request id ${requestId})`);
      const logged = s.logs.find((line) => line.requestId === requestId);
      expect(logged).toMatchObject({
        level: 50,
        path: "audit.list",
        err: { message: expect.stringMatching(/audit_log/) },
      });
      expect((logged?.err as { stack?: string } | undefined)?.stack).toMatch(/\n\s+at /);
    } finally {
      await sql`alter table synchub.audit_log_away rename to audit_log`.execute(s.t.db);
    }
  });

  it("name the field of a union input: an empty id list names ids", async () => {
    const response = await mutate(s.server.url, "deadLetters.replay", { ids: [] }, asAdmin());
    expect(response.status).toBe(400);
    const body = (await response.json()) as TrpcErrorBody;
    expect(body.error.json.data.issues?.map((issue) => issue.path)).toEqual(["ids"]);
    // The message a person reads names the field too, rather than the issue list as JSON.
    expect(body.error.json.message).toMatch(/^ids: /);
  });

  it("refuse an id too large for the database as a validation error, not a 500", async () => {
    for (const [path, input] of [
      ["runs.byId", { id: "99999999999999999999" }],
      ["deadLetters.byId", { id: "123456789012345678901234567890" }],
    ] as const) {
      const response = await query(s.server.url, path, input, asAdmin());
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as TrpcErrorBody).error.json.data.issues?.[0]?.path).toBe("id");
    }
  });

  it("answer an unknown route 404 with a JSON error", async () => {
    const response = await fetch(`${s.server.url}/no/such/thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Not found", requestId: expect.any(String) });
  });
});

/** A TCP relay to the test Postgres that can be cut, as a database outage looks from the server. */
async function cuttableRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const port = (relay.address() as net.AddressInfo).port;
  return {
    port,
    cut: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

describe("a database that cannot be reached", () => {
  let t: TestDatabase;
  let down: TestServer;
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;
  let cookie: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const target = new URL(t.url);
    relay = await cuttableRelay(target);
    const viaRelay = new URL(t.url);
    viaRelay.port = String(relay.port);
    down = await startTestServer({ connectionString: viaRelay.toString() }, t);
    cookie = await loginCookie(down.server.url);
    await relay.cut();
  });
  afterAll(async () => {
    await down.close();
    await t.drop();
  });

  it("answers 503 database unavailable on every route, naming no host or port", async () => {
    const answers = await Promise.all([
      query(down.server.url, "connections.list", undefined, { cookie }),
      mutate(down.server.url, "auth.login", { username: "admin", password: "whatever it is" }),
      fetch(`${down.server.url}/healthz`),
      fetch(`${down.server.url}/health/sync`),
      fetch(`${down.server.url}/metrics`),
    ]);
    for (const response of answers) {
      expect(response.status, response.url).toBe(503);
      const text = await response.text();
      expect(text, response.url).toContain("database unavailable");
      expect(text, response.url).not.toMatch(
        new RegExp(`127\\.0\\.0\\.1|${relay.port}|ECONNREFUSED|terminated`),
      );
    }
  });
});
