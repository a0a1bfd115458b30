import { createHash, createHmac, randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { type GrantCreditsResponse, runCreditsGrant } from "@synchub/jobs";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readEnv } from "../env.ts";
import { type RunningServer, startServer } from "../server.ts";

const cronSecret = randomBytes(24).toString("hex");
const currentSigningKey = `sig_${randomBytes(16).toString("hex")}`;
const nextSigningKey = `sig_${randomBytes(16).toString("hex")}`;
const encryptionKey = randomBytes(32).toString("base64");
const admin = { username: "admin", password: "correct horse battery" };
// QStash delivers to the public URL; a proxy forwards to the server's own address.
const publicUrl = "https://synchub.example.com";

let t: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  t = await createTestDatabase();
  server = await startServer({
    connectionString: t.url,
    encryptionKey,
    admin,
    port: 0,
    cronSecret,
    qstash: { currentSigningKey, nextSigningKey },
    publicUrl,
  });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});
beforeEach(async () => {
  await sql`truncate synchub.credit_ledger, synchub.credit_batches, synchub.credit_balances,
    synchub.subscriptions, synchub.runs, synchub.run_http_calls`.execute(t.db);
  await t.db
    .insertInto("subscriptions")
    .values(
      Array.from({ length: 20 }, (_, i) => ({ user_ref: `user-${i}`, plan: "pro", monthly_credits: 100 })),
    )
    .execute();
});

async function count(table: "runs" | "credit_batches"): Promise<number> {
  const row = await t.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An Upstash-Signature JWT as QStash makes it: HS256 over the claims, body = base64url(sha256(body)). */
function qstashToken(
  body: string,
  options: { key?: string; expiresIn?: number; bodyHashOf?: string; url?: string; jti?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "HS256", typ: "JWT" });
  const claims = encode({
    iss: "Upstash",
    sub: options.url ?? `${publicUrl}/api/jobs/credits/grant`,
    iat: now - 5,
    nbf: now - 5,
    exp: now + (options.expiresIn ?? 300),
    jti: options.jti ?? `msg_${randomBytes(8).toString("hex")}`,
    body: createHash("sha256")
      .update(options.bodyHashOf ?? body)
      .digest("base64url"),
  });
  const signature = createHmac("sha256", options.key ?? currentSigningKey)
    .update(`${header}.${claims}`)
    .digest("base64url");
  return `${header}.${claims}.${signature}`;
}

async function grantJson(response: Response): Promise<GrantCreditsResponse> {
  return (await response.json()) as GrantCreditsResponse;
}

function call(
  path: string,
  init: { method?: string; authorization?: string; signature?: string; body?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  if (init.signature !== undefined) headers["upstash-signature"] = init.signature;
  return fetch(`${server.url}${path}`, { method: init.method ?? "GET", headers, body: init.body });
}

describe("external scheduler ingress", () => {
  it("runs the grant for a correct cron secret and answers the SPEC JSON", async () => {
    const response = await call("/api/jobs/credits/grant", { authorization: `Bearer ${cronSecret}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as GrantCreditsResponse;
    expect(body).toEqual({
      success: true,
      jobId: expect.any(String),
      date: new Date().toISOString().slice(0, 10),
      duration: expect.any(Number),
      results: { processed: 20, successful: 20, skipped: 0, failed: 0 },
    });
    const run = await t.db.selectFrom("runs").selectAll().executeTakeFirstOrThrow();
    expect([String(run.id), run.task, run.trigger, run.status]).toEqual([
      body.jobId,
      "credits.grant",
      "http",
      "succeeded",
    ]);
  });

  it("runs the expiry over POST and answers the SPEC JSON", async () => {
    await t.db
      .insertInto("credit_batches")
      .values({ user_ref: "user-1", amount: 30, remaining: 30, source: "purchase", expires_at: new Date(0) })
      .execute();
    const response = await call("/api/jobs/credits/expire", {
      method: "POST",
      authorization: `Bearer ${cronSecret}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      success: true,
      jobId: expect.any(String),
      duration: expect.any(Number),
      results: { processedBatches: 1, processedUsers: 1, totalExpiredAmount: 30 },
    });
  });

  it("refuses a missing, short or wrong cron secret with 401 and runs nothing", async () => {
    const attempts = [
      undefined,
      "Bearer",
      "Bearer short",
      `Bearer ${cronSecret.slice(0, -1)}`,
      `Bearer ${cronSecret}x`,
      `Basic ${cronSecret}`,
      cronSecret,
    ];
    for (const authorization of attempts) {
      const response = await call("/api/jobs/credits/grant", { authorization });
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.json()).toEqual({ success: false, error: expect.any(String) });
    }
    expect(await count("runs")).toBe(0);
    expect(await count("credit_batches")).toBe(0);
  });

  it("grants every user exactly once when two HTTP calls and the scheduled task fire together", async () => {
    const results = await Promise.all([
      call("/api/jobs/credits/grant", { authorization: `Bearer ${cronSecret}` }).then(grantJson),
      call("/api/jobs/credits/grant", { method: "POST", authorization: `Bearer ${cronSecret}` }).then(
        grantJson,
      ),
      runCreditsGrant(t.db, { trigger: "schedule" }),
    ]);
    expect(results.every((result) => result.success)).toBe(true);
    expect(results.reduce((sum, result) => sum + result.results.successful, 0)).toBe(20);
    expect(results.reduce((sum, result) => sum + result.results.skipped, 0)).toBe(40);
    expect(await count("credit_batches")).toBe(20);
    const balances = await t.db.selectFrom("credit_balances").select("balance").execute();
    expect(balances.map((b) => Number(b.balance))).toEqual(Array(20).fill(100));
  });

  it("runs the job for a valid QStash-signed request, with either signing key", async () => {
    const body = JSON.stringify({ from: "qstash" });
    const current = await call("/api/jobs/credits/grant", {
      method: "POST",
      body,
      signature: qstashToken(body),
    });
    expect(current.status).toBe(200);
    expect((await grantJson(current)).results.successful).toBe(20);
    const rotated = await call("/api/jobs/credits/grant", {
      method: "POST",
      body,
      signature: qstashToken(body, { key: nextSigningKey }),
    });
    expect(rotated.status).toBe(200);
    expect((await grantJson(rotated)).results.skipped).toBe(20);
    const runs = await t.db.selectFrom("runs").select("trigger").execute();
    expect(runs.map((run) => run.trigger)).toEqual(["qstash", "qstash"]);
  });

  it("refuses QStash requests with a bad signature, an expired token or a body that does not match its hash", async () => {
    const body = JSON.stringify({ from: "qstash" });
    const forged = [
      qstashToken(body, { key: "sig_not_the_key" }),
      qstashToken(body, { expiresIn: -60 }),
      qstashToken(body, { bodyHashOf: JSON.stringify({ from: "someone else" }) }),
      "not-a-jwt",
    ];
    for (const signature of forged) {
      const response = await call("/api/jobs/credits/grant", { method: "POST", body, signature });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ success: false, error: "Invalid QStash signature" });
    }
    expect(await count("runs")).toBe(0);
    expect(await count("credit_batches")).toBe(0);
  });

  it("refuses a QStash token signed for another path, another host or another endpoint, and runs nothing", async () => {
    const body = JSON.stringify({ from: "qstash" });
    const misaddressed = [
      // Signed for the expiry, sent to the grant.
      qstashToken(body, { url: `${publicUrl}/api/jobs/credits/expire` }),
      // The right path on someone else's deployment.
      qstashToken(body, { url: "https://other-tenant.example.com/api/jobs/credits/grant" }),
      // The server's own address rather than the public one it is reached at.
      qstashToken(body, { url: `${server.url}/api/jobs/credits/grant` }),
      // Another endpoint's subscription, or the path with a different query.
      qstashToken(body, { url: `${publicUrl}/api/webhooks/serp` }),
      qstashToken(body, { url: `${publicUrl}/api/jobs/credits/grant?tenant=1` }),
    ];
    for (const signature of misaddressed) {
      const response = await call("/api/jobs/credits/grant", { method: "POST", body, signature });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ success: false, error: "Invalid QStash signature" });
    }
    expect(await count("runs")).toBe(0);
    expect(await count("credit_batches")).toBe(0);
  });

  it("checks the query string too: a token for ?a=1 runs only when sent to ?a=1", async () => {
    const body = "";
    const signature = qstashToken(body, { url: `${publicUrl}/api/jobs/credits/grant?a=1` });
    const elsewhere = await call("/api/jobs/credits/grant?a=2", { method: "POST", body, signature });
    expect(elsewhere.status).toBe(401);
    const addressed = await call("/api/jobs/credits/grant?a=1", { method: "POST", body, signature });
    expect(addressed.status).toBe(200);
    expect(await count("runs")).toBe(1);
  });

  it("refuses a replayed QStash token with 401 and runs the job once", async () => {
    const body = JSON.stringify({ from: "qstash" });
    const signature = qstashToken(body);
    const first = await call("/api/jobs/credits/grant", { method: "POST", body, signature });
    expect(first.status).toBe(200);
    const replay = await call("/api/jobs/credits/grant", { method: "POST", body, signature });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ success: false, error: "This QStash delivery was already used" });
    expect(await count("runs")).toBe(1);
  });

  it("answers a failed run 500 with where to look, not the database's message, and records the run as failed", async () => {
    await sql`alter table synchub.credit_batches rename to credit_batches_away`.execute(t.db);
    try {
      const response = await call("/api/jobs/credits/grant", { authorization: `Bearer ${cronSecret}` });
      expect(response.status).toBe(500);
      const body = (await response.json()) as GrantCreditsResponse & { error: string };
      expect(body.success).toBe(false);
      expect(body.error).toMatch(new RegExp(`^The job failed: see run ${body.jobId} in the admin`));
      expect(body.error).not.toMatch(/credit_batches|relation/);
      const run = await t.db.selectFrom("runs").select(["status", "error"]).executeTakeFirstOrThrow();
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(/credit_batches/);
    } finally {
      await sql`alter table synchub.credit_batches_away rename to credit_batches`.execute(t.db);
    }
  });

  it("runs an externally triggerable schedule by name and answers 404 for any other", async () => {
    const grant = await call("/api/jobs/credits.grant", {
      method: "POST",
      authorization: `Bearer ${cronSecret}`,
    });
    expect(grant.status).toBe(200);
    expect((await grantJson(grant)).results.successful).toBe(20);

    for (const name of ["sync.tick", "no.such.job"]) {
      const response = await call(`/api/jobs/${name}`, {
        method: "POST",
        authorization: `Bearer ${cronSecret}`,
      });
      expect(response.status, name).toBe(404);
    }
    const unauthenticated = await call("/api/jobs/credits.grant", { method: "POST" });
    expect(unauthenticated.status).toBe(401);
    expect(await count("runs")).toBe(1);
  });
});

describe("CRON_SECRET configuration", () => {
  it("answers 503 on the job routes when no CRON_SECRET is configured", async () => {
    const bare = await startServer({ connectionString: t.url, encryptionKey, admin, port: 0 });
    try {
      const response = await fetch(`${bare.url}/api/jobs/credits/grant`, {
        headers: { authorization: `Bearer ${cronSecret}` },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ success: false, error: "CRON_SECRET is not configured" });
      expect(await count("runs")).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it("answers QStash deliveries 503 naming SYNCHUB_PUBLIC_URL when it is not set, and runs nothing", async () => {
    const noUrl = await startServer({
      connectionString: t.url,
      encryptionKey,
      admin,
      port: 0,
      cronSecret,
      qstash: { currentSigningKey, nextSigningKey },
    });
    try {
      const body = JSON.stringify({ from: "qstash" });
      const response = await fetch(`${noUrl.url}/api/jobs/credits/grant`, {
        method: "POST",
        headers: { "upstash-signature": qstashToken(body) },
        body,
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/SYNCHUB_PUBLIC_URL/);
      expect(await count("runs")).toBe(0);
    } finally {
      await noUrl.close();
    }
  });

  it("refuses to start a server with a 10-character CRON_SECRET, naming CRON_SECRET", async () => {
    await expect(
      startServer({ connectionString: t.url, encryptionKey, admin, port: 0, cronSecret: "0123456789" }),
    ).rejects.toThrow(/CRON_SECRET must be at least 16 characters/);
    expect(() =>
      readEnv({
        DATABASE_URL: t.url,
        SYNCHUB_ENCRYPTION_KEY: encryptionKey,
        ADMIN_PASSWORD: admin.password,
        CRON_SECRET: "0123456789",
      }),
    ).toThrow(/CRON_SECRET: CRON_SECRET must be at least 16 characters/);
  });
});
