import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./server.ts";

let t: TestDatabase;
let server: RunningServer;
const encryptionKey = randomBytes(32).toString("base64");
const adminKey = "sk-admin-http-secret-0123456789";
const connectionId = randomUUID();

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
  await t.db
    .insertInto("connections")
    .values({
      id: connectionId,
      tenant_id: tenant.id,
      provider: "openai",
      name: "Main",
      base_url: null,
      credentials_encrypted: createSecretBox(encryptionKey).seal(JSON.stringify({ adminKey }), connectionId),
    })
    .execute();
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

async function login(password: string) {
  return fetch(`${server.url}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { username: "admin", password } }),
  });
}

/** A live worker's heartbeat, as apps/worker writes it. */
async function beat() {
  await t.db
    .insertInto("worker_heartbeats")
    .values({ process_id: "test-worker", worker_ids: ["w1"], hostname: "test", pid: 1 })
    .onConflict((oc) => oc.column("process_id").doUpdateSet({ last_seen_at: new Date() }))
    .execute();
}

describe("HTTP server", () => {
  it("answers /healthz when the database is reachable", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("refuses API calls without a session", async () => {
    const response = await fetch(`${server.url}/trpc/connections.list`);
    expect(response.status).toBe(401);
  });

  it("rejects a wrong password without setting a cookie", async () => {
    const response = await login("wrong password");
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("logs in with an httpOnly cookie and lists connections without their credentials", async () => {
    const response = await login("correct horse battery");
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^synchub_session=/);
    expect(cookie).toMatch(/HttpOnly/i);

    const list = await fetch(`${server.url}/trpc/connections.list`, {
      headers: { cookie: cookie.split(";")[0]! },
    });
    expect(list.status).toBe(200);
    const body = await list.text();
    expect(body).toContain("Main");
    expect(body).not.toContain(adminKey);
    expect(body).not.toContain("credentials_encrypted");
  });

  it("reports sync health Critical with 503 until a pool's first success, then Healthy", async () => {
    await beat();
    const before = await fetch(`${server.url}/health/sync`);
    expect(before.status).toBe(503);
    const report = (await before.json()) as {
      status: string;
      pools: { pool: string; kind: string; reason: string }[];
    };
    expect(report.status).toBe("Critical");
    expect(report.pools[0]).toMatchObject({
      pool: "openai",
      kind: "llm.costs",
      reason: "no sync has ever succeeded",
    });

    const connection = await t.db.selectFrom("connections").select("id").executeTakeFirstOrThrow();
    await t.db
      .insertInto("runs")
      .values({
        task: "sync.target",
        target_id: connection.id,
        trigger: "manual",
        status: "succeeded",
        started_at: new Date(Date.now() - 2_000),
        finished_at: new Date(),
        duration_ms: 2_000,
      })
      .execute();
    // What complete_sync leaves on the target after a success.
    await t.db
      .updateTable("sync_targets")
      .set({ sync_status: "ok", last_synced_at: new Date(), next_sync_at: new Date(Date.now() + 3_600_000) })
      .where("id", "=", connection.id)
      .execute();
    const after = await fetch(`${server.url}/health/sync`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { status: string }).status).toBe("Healthy");
  });

  it("serves Prometheus metrics computed from the database", async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toContain('synchub_sync_runs_total{pool="openai",kind="llm.costs",status="succeeded"} 1');
    expect(body).toContain('synchub_sync_runs_total{pool="openai",kind="llm.costs",status="failed"} 0');
    expect(body).toContain(
      'synchub_sync_run_duration_seconds_bucket{pool="openai",kind="llm.costs",le="5"} 1',
    );
    expect(body).toContain(
      'synchub_sync_run_duration_seconds_bucket{pool="openai",kind="llm.costs",le="1"} 0',
    );
    expect(body).toMatch(/synchub_sync_last_success_timestamp_seconds\{pool="openai",kind="llm.costs"\} \d+/);
    expect(body).toContain('synchub_targets{pool="openai",kind="llm.costs",state="healthy"} 1');
    expect(body).toContain("# TYPE synchub_sync_runs_total counter");
    expect(body).toContain("# TYPE synchub_dead_letters_open gauge");
  });

  it("reports business job runs for the S4 alerts: counts, last success and the latest duration", async () => {
    await t.db
      .insertInto("runs")
      .values({
        task: "credits.grant",
        trigger: "http",
        status: "succeeded",
        started_at: new Date(Date.now() - 6_500),
        finished_at: new Date(),
        duration_ms: 6_500,
      })
      .execute();
    const body = await (await fetch(`${server.url}/metrics`)).text();
    expect(body).toContain('synchub_job_runs_total{task="credits.grant",status="succeeded"} 1');
    expect(body).toContain('synchub_job_last_duration_seconds{task="credits.grant"} 6.5');
    expect(body).toMatch(/synchub_job_last_success_timestamp_seconds\{task="credits.grant"\} \d+/);
  });

  it("ends the session on logout", async () => {
    const cookie = ((await login("correct horse battery")).headers.get("set-cookie") ?? "").split(";")[0]!;
    await fetch(`${server.url}/trpc/auth.logout`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: "{}",
    });
    const after = await fetch(`${server.url}/trpc/connections.list`, { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it("says Warning, naming the target, when a revoked key paused a connection and left a permanent dead letter", async () => {
    await beat();
    const tenant = await t.db
      .insertInto("tenants")
      .values({ name: "Initech", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const revoked = await t.db
      .insertInto("connections")
      .values({
        tenant_id: tenant.id,
        provider: "anthropic",
        name: "legacy",
        base_url: null,
        credentials_encrypted: "v2.x.y.z",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // What three authentication failures in a row leave behind (runTarget's pause).
    await t.db
      .updateTable("sync_targets")
      .set({
        status: "paused",
        paused_reason: "Paused after 3 authentication failures in a row",
        auth_failures: 3,
        sync_status: "failed",
      })
      .where("id", "=", revoked.id)
      .execute();
    await t.db
      .insertInto("dead_letters")
      .values({
        task: "sync.target",
        payload: JSON.stringify({ targetId: revoked.id }),
        target_id: revoked.id,
        error_class: "permanent",
        error: "Anthropic rejected the admin key (401)",
        fingerprint: "0123456789abcdef",
        attempts: 1,
      })
      .execute();
    const response = await fetch(`${server.url}/health/sync`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      status: string;
      pools: { pool: string; kind: string; status: string; reason: string; needsAttention: string[] }[];
    };
    expect(report.status).toBe("Warning");
    expect(report.pools.find((p) => p.pool === "anthropic" && p.kind === "llm.costs")).toMatchObject({
      status: "Warning",
      reason: "1 paused after authentication failures; 1 open permanent dead letter(s)",
      needsAttention: [revoked.id],
    });
  });

  it("is Critical with 503 when no worker is alive, whatever the syncs say", async () => {
    await t.db
      .updateTable("worker_heartbeats")
      .set({ last_seen_at: new Date(Date.now() - 5 * 60_000) })
      .execute();
    const response = await fetch(`${server.url}/health/sync`);
    expect(response.status).toBe(503);
    const report = (await response.json()) as { status: string; workers: { status: string; reason: string } };
    expect(report.workers).toMatchObject({
      status: "Critical",
      reason: expect.stringMatching(/^no worker alive: the last heartbeat was 30\d s ago$/),
    });
  });
});
