import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createCostsClient } from "@synchub/connectors";
import { listCostRows } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  disablePacing,
  injectFault,
  insertOpenAIConnection,
  insertTenant,
  runDueJobs,
  sandboxKey,
  sandboxRequestCount,
  testSecrets,
} from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await disablePacing(t.db);
});
afterAll(() => t.drop());

async function connectionState(id: string) {
  // A connection's loop state is its llm.costs target's (the same id).
  return t.db.selectFrom("sync_targets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function runsOf(id: string) {
  return t.db.selectFrom("runs").selectAll().where("target_id", "=", id).orderBy("id").execute();
}

async function pendingJobs(id: string) {
  const { rows } = await sql<{ payload: { attempt?: number }; run_in_seconds: number }>`
    select payload, extract(epoch from run_at - now())::float8 as run_in_seconds
    from graphile_worker._private_jobs where key = ${`sync:${id}`}`.execute(t.db);
  return rows;
}

async function deadLettersOf(id: string) {
  return t.db.selectFrom("dead_letters").selectAll().where("target_id", "=", id).execute();
}

async function makeDue(id: string) {
  await sql`update graphile_worker._private_jobs set run_at = now() where key = ${`sync:${id}`}`.execute(
    t.db,
  );
}

describe("sync.target (llm.costs)", () => {
  it("saves exactly the cost rows the provider reports, from the first sync the insert enqueued", async () => {
    const key = sandboxKey();
    const { id: tenantId } = await insertTenant(t.db, "enterprise");
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const saved = await listCostRows(t.db, id);
    const expected = [];
    const client = createCostsClient(
      "openai",
      { adminKey: key },
      { baseUrl: `${inject("sandboxUrl")}/openai` },
    );
    const [run] = await runsOf(id);
    const startDay = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    for await (const page of client.pages({ startDay })) expected.push(...page);
    expect(saved.length).toBeGreaterThan(20);
    const asKeys = (rows: string[][]) => rows.map((row) => row.join(" | ")).sort();
    expect(
      asKeys(saved.map((row) => [row.day, row.line_item, String(Number(row.amount)), row.currency])),
    ).toEqual(
      asKeys(expected.map((line) => [line.day, line.lineItem, String(Number(line.amount)), line.currency])),
    );
    expect(run).toMatchObject({ trigger: "created", status: "succeeded", rows_inserted: saved.length });

    const connection = await connectionState(id);
    expect(connection).toMatchObject({ sync_status: "ok", sync_error: null, consecutive_failures: 0 });
    expect(connection.last_synced_at).toBeInstanceOf(Date);
    // Enterprise tier: next sync 30 minutes later, plus up to 2 % jitter (36 s).
    const minutesAhead = (connection.next_sync_at.getTime() - Date.now()) / 60_000;
    expect(minutesAhead).toBeGreaterThan(29.9);
    expect(minutesAhead).toBeLessThanOrEqual(30.6);
  });

  it("changes nothing when the same sync runs a second time", async () => {
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: sandboxKey() });
    await runDueJobs(t.db, t.url);
    const before = await listCostRows(t.db, id);

    // Force the second run to cover the whole first range again, as a duplicate trigger would.
    await t.db.updateTable("sync_targets").set({ last_synced_at: null }).where("id", "=", id).execute();
    await sql`select synchub.request_sync(${id}::uuid, 'manual')`.execute(t.db);
    await runDueJobs(t.db, t.url);

    const after = await listCostRows(t.db, id);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({
      status: "succeeded",
      trigger: "manual",
      rows_inserted: 0,
      rows_updated: 0,
    });
    expect(runs[1]!.rows_fetched).toBe(before.length);
    expect(after).toEqual(before);
  });

  it("retries a provider 5xx inside the sync and still saves every row", async () => {
    const key = sandboxKey("flaky");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "5xx", status: 503, count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(run!.rows_inserted).toBeGreaterThan(20);
    // One refused request plus the pages that succeeded.
    expect(await sandboxRequestCount(key)).toBe(run!.pages + 1);
    expect(await pendingJobs(id)).toEqual([]);
  });

  it("dead-letters a bad admin key at once as permanent, records it on the connection, and does not retry", async () => {
    const key = "sk-admin-revoked-0123456789";
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const connection = await connectionState(id);
    expect(connection).toMatchObject({
      sync_status: "failed",
      sync_error_class: "permanent",
      consecutive_failures: 1,
    });
    expect(connection.sync_error).toMatch(/401/);
    expect(connection.sync_error).not.toContain(key);
    // Not retried every minute: the next attempt waits the tier's interval (pro: 60 minutes).
    expect(connection.next_sync_at.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "failed", error_class: "permanent" });
    expect(await pendingJobs(id)).toEqual([]);
    expect(await listCostRows(t.db, id)).toEqual([]);
    const [deadLetter] = await deadLettersOf(id);
    expect(deadLetter).toMatchObject({
      task: "sync.target",
      status: "open",
      error_class: "permanent",
      attempts: 1,
      next_auto_retry_at: null,
    });
    expect(deadLetter!.payload).toMatchObject({ targetId: id });
    expect(deadLetter!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("pauses a connection after three authentication failures in a row, saying why", async () => {
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: "sk-admin-revoked-pause-me" });
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sql`select synchub.request_sync(${id}::uuid, 'manual')`.execute(t.db);
      await runDueJobs(t.db, t.url);
    }
    const connection = await connectionState(id);
    expect(connection).toMatchObject({ status: "paused", auth_failures: 3 });
    expect(connection.paused_reason).toMatch(
      /^Paused after 3 authentication failures in a row: OpenAI rejected/,
    );
  });

  it("retries a transient failure after the policy's first delay, without spending graphile-worker attempts", async () => {
    const key = sandboxKey("down");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "5xx", status: 502, count: 3 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "failed", error_class: "transient", attempt: 1 });
    expect((await connectionState(id)).sync_status).toBe("failed");
    const [job] = await pendingJobs(id);
    expect(job?.payload.attempt).toBe(2);
    // SPEC: job retries at 1, 5 and 15 minutes.
    expect(job!.run_in_seconds).toBeGreaterThan(55);
    expect(job!.run_in_seconds).toBeLessThanOrEqual(60);

    await makeDue(id);
    await runDueJobs(t.db, t.url);
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.status, r.attempt])).toEqual([
      ["failed", 1],
      ["succeeded", 2],
    ]);
    expect(await connectionState(id)).toMatchObject({ sync_status: "ok", consecutive_failures: 0 });
    expect(await deadLettersOf(id)).toEqual([]);
  });

  it("dead-letters a transient failure once the retry policy is spent, due for the periodic retry", async () => {
    const key = sandboxKey("gone");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "5xx", status: 500, count: 100 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key, status: "paused" });
    await t.db.updateTable("sync_targets").set({ status: "active" }).where("id", "=", id).execute();
    await sql`select graphile_worker.add_job('sync.connection', json_build_object('connectionId', ${id}::text,
      'trigger', 'manual', 'attempt', 4), job_key := ${`sync:${id}`}, queue_name := ${`sync:${id}`})`.execute(
      t.db,
    );

    await runDueJobs(t.db, t.url);

    expect(await pendingJobs(id)).toEqual([]);
    const [deadLetter] = await deadLettersOf(id);
    expect(deadLetter).toMatchObject({ status: "open", error_class: "transient", attempts: 4 });
    expect(deadLetter!.next_auto_retry_at!.getTime()).toBeGreaterThan(Date.now());
  });

  it("defers on a 429 with a long Retry-After: the provider key pauses for everyone and no attempt is spent", async () => {
    const key = sandboxKey("throttled");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "429", retryAfterSeconds: 120, count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "deferred", error_class: null });
    const [job] = await pendingJobs(id);
    expect(job?.payload.attempt ?? 1).toBe(1);
    expect(job!.run_in_seconds).toBeGreaterThan(100);
    const limit = await t.db
      .selectFrom("rate_limits")
      .selectAll()
      .where("key", "=", "provider:openai")
      .executeTakeFirstOrThrow();
    expect(limit.paused_until!.getTime() - Date.now()).toBeGreaterThan(100_000);
    expect(Number(limit.throttled)).toBeGreaterThanOrEqual(1);
    expect(await deadLettersOf(id)).toEqual([]);
    // Lift the pause for the rest of this file.
    await t.db.updateTable("rate_limits").set({ paused_until: null }).execute();
  });

  it("survives a provider that times out once: the request is retried and every row saved once", async () => {
    const key = sandboxKey("slow");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "timeout", count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "succeeded" });
    expect((await listCostRows(t.db, id)).length).toBe(run!.rows_inserted);
  });

  it("treats malformed JSON as transient: the run fails, nothing half-saved, a retry is queued", async () => {
    const key = sandboxKey("garbled");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "malformed", count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "failed", error_class: "transient", rows_inserted: 0 });
    expect(await listCostRows(t.db, id)).toEqual([]);
    const [job] = await pendingJobs(id);
    expect(job?.payload.attempt).toBe(2);
  });

  it("stops on a page that repeats its cursor instead of looping, keeping each row once", async () => {
    const key = sandboxKey("loop");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "repeat-page", count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "failed", error_class: "transient" });
    expect(run!.error).toMatch(/same page cursor twice/);
    const rows = await listCostRows(t.db, id);
    expect(rows.length).toBe(run!.rows_inserted);
    expect(new Set(rows.map((row) => `${row.day}|${row.line_item}`)).size).toBe(rows.length);
  });

  it("waits out the provider's spacing between pages instead of deferring and restarting the sync", async () => {
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: sandboxKey("paced") });
    await t.db.updateTable("pools").set({ min_interval_ms: 300 }).where("name", "=", "openai").execute();
    try {
      // The job would defer past 50 ms of waiting, but one interval per concurrent sync is ordinary spacing.
      await runDueJobs(t.db, t.url, { maxInlineWaitMs: 50 });
    } finally {
      await disablePacing(t.db);
    }
    const runs = await runsOf(id);
    expect(runs.map((run) => run.status)).toEqual(["succeeded"]);
    expect(runs[0]!.pages).toBeGreaterThan(1);
  });

  it("skips a paused connection without calling the provider", async () => {
    const key = sandboxKey("paused");
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key, status: "paused" });
    await sql`select synchub.request_sync(${id}::uuid, 'manual')`.execute(t.db);

    await runDueJobs(t.db, t.url);

    expect(await runsOf(id)).toEqual([]);
    expect(await sandboxRequestCount(key)).toBe(0);
  });

  it("a Volcano Engine backfill older than 24 months is clamped, succeeds, and the run says what was left out", async () => {
    const { id: tenantId } = await insertTenant(t.db);
    const accessKeyId = `AKLTjobs${randomBytes(6).toString("hex")}`;
    const id = randomUUID();
    await t.db
      .insertInto("connections")
      .values({
        id,
        tenant_id: tenantId,
        provider: "volcengine",
        name: "Volcano Engine",
        base_url: `${inject("sandboxUrl")}/volcengine`,
        credentials_encrypted: testSecrets.seal(
          JSON.stringify({
            accessKeyId,
            // The sandbox's documented secret for an access key.
            secretAccessKey: createHash("sha256").update(`sandbox-secret:${accessKeyId}`).digest("hex"),
          }),
          id,
        ),
      })
      .execute();

    await runDueJobs(t.db, t.url, { backfillDays: 1000 });

    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: "succeeded", error: null });
    expect(run?.rows_inserted).toBeGreaterThan(0);
    const now = new Date();
    const earliest = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1))
      .toISOString()
      .slice(0, 7);
    expect(run?.notice).toMatch(
      new RegExp(
        `^Volcano Engine answers bill months from ${earliest} on \\(the last 24 months, none before 2022-01\\): days from \\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2} were not asked for$`,
      ),
    );
    const saved = await listCostRows(t.db, id);
    expect(saved.every((row) => String(row.day) >= `${earliest}-01`)).toBe(true);
    expect((await connectionState(id)).sync_status).toBe("ok");
  });
});
