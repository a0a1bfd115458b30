import { listRunHttpCalls } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  disablePacing,
  injectFault,
  insertOpenAIConnection,
  insertTenant,
  runDueJobs,
  sandboxKey,
  sandboxRequestCount,
} from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await disablePacing(t.db);
});
afterAll(() => t.drop());

async function onlyRunOf(targetId: string) {
  return t.db.selectFrom("runs").selectAll().where("target_id", "=", targetId).executeTakeFirstOrThrow();
}

describe("a sync's HTTP calls", () => {
  it("records every request of a sync against the sandbox, a 503 retry as a second attempt", async () => {
    const key = sandboxKey("calls");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "5xx", status: 503, count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const run = await onlyRunOf(id);
    expect(run.status).toBe("succeeded");
    const calls = await listRunHttpCalls(t.db, run.id);
    expect(calls?.dropped).toBe(0);
    const items = calls?.items ?? [];
    expect(items).toHaveLength(await sandboxRequestCount(key));
    expect(items[0]).toMatchObject({ method: "GET", status: 503, attempt: 1 });
    expect(items[0]?.error).toMatch(/503/);
    expect(items[1]).toMatchObject({ status: 200, attempt: 2, error: null, path: items[0]?.path });
    expect(items.slice(2).every((call) => call.status === 200 && call.attempt === 1)).toBe(true);
    expect(items[0]?.path).toMatch(/^\/openai\/v1\/organization\/costs\?/);
    // Query values (timestamps, page cursors, anything a provider might take a secret in) are never kept.
    for (const call of items) {
      for (const pair of call.path.split("?")[1]?.split("&") ?? []) expect(pair).toMatch(/=…$/);
    }
    const stored = await t.db.selectFrom("run_http_calls").selectAll().where("run_id", "=", run.id).execute();
    expect(JSON.stringify(stored)).not.toContain(key);
    const startedAts = items.map((call) => call.startedAt.getTime());
    expect(startedAts).toEqual([...startedAts].sort((a, b) => a - b));
  });

  it("shows a short 429 waited out inside the sync as two attempts", async () => {
    const key = sandboxKey("throttled");
    const { id: tenantId } = await insertTenant(t.db);
    await injectFault(key, { kind: "429", retryAfterSeconds: 1, count: 1 });
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: key });

    await runDueJobs(t.db, t.url);

    const run = await onlyRunOf(id);
    expect(run.status).toBe("succeeded");
    const items = (await listRunHttpCalls(t.db, run.id))?.items ?? [];
    expect(items.slice(0, 2).map((call) => [call.status, call.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ]);
  });

  it("keeps the calls of a failed sync (the rejected key), where they matter most", async () => {
    const { id: tenantId } = await insertTenant(t.db);
    const id = await insertOpenAIConnection(t.db, { tenantId, adminKey: "sk-admin-revoked-0123456789" });

    await runDueJobs(t.db, t.url);

    const run = await onlyRunOf(id);
    expect(run.status).toBe("failed");
    const items = (await listRunHttpCalls(t.db, run.id))?.items ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 401, attempt: 1 });
    expect(items[0]?.error).not.toContain("sk-admin-revoked-0123456789");
  });
});
