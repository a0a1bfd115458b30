import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { type RunningSandbox, startSandbox } from "@synchub/sandbox";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./worker.ts";

let t: TestDatabase;
let sandbox: RunningSandbox;
const encryptionKey = randomBytes(32).toString("base64");

beforeAll(async () => {
  t = await createTestDatabase();
  // The provider itself enforces 100 ms between calls per key and answers 429 when crowded.
  sandbox = await startSandbox({ port: 0, pacing: { scale: 0.01 } });
});
afterAll(async () => {
  await sandbox.close();
  await t.drop();
});

describe("two worker processes on one database", () => {
  it("share one key's pacing: every account syncs exactly once, and a rare 429 from arrival jitter is absorbed", async () => {
    // Twelve accounts behind one organisation key: the key's pacing is shared by all of them.
    const adminKey = `sk-admin-shared-${randomBytes(4).toString("hex")}`;
    await t.db.updateTable("pools").set({ min_interval_ms: 150, max_concurrency: 8 }).execute();
    const tenant = await t.db
      .insertInto("tenants")
      .values({ name: "Shared", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const secrets = createSecretBox(encryptionKey);
    await t.db
      .insertInto("connections")
      .values(
        Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), i })).map(({ id, i }) => ({
          id,
          tenant_id: tenant.id,
          provider: "openai",
          name: `account ${i}`,
          base_url: `${sandbox.url}/openai`,
          credentials_encrypted: secrets.seal(JSON.stringify({ adminKey }), id),
        })),
      )
      .execute();
    // Each insert enqueued its connection's first sync: twelve jobs for two workers to share.

    const options = {
      connectionString: t.url,
      encryptionKey,
      handleSignals: false,
      logLevel: "silent",
      concurrency: 4,
    };
    const workers = await Promise.all([startWorker(options), startWorker(options)]);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from synchub.sync_targets where sync_status = 'ok'`.execute(t.db);
        if (rows[0]!.n === 12 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }

    // The connections' runs (the workers' ticks have run rows of their own).
    const runs = await t.db
      .selectFrom("runs")
      .select(["status", "target_id"])
      .where("kind", "=", "llm.costs")
      .execute();
    expect(runs.filter((run) => run.status === "succeeded")).toHaveLength(12);
    expect(new Set(runs.map((run) => run.target_id)).size).toBe(12);
    expect(runs.filter((run) => run.status !== "succeeded")).toEqual([]);
    const seen = (await (
      await fetch(`${sandbox.url}/__sandbox/requests?key=${encodeURIComponent(adminKey)}`)
    ).json()) as { count: number; throttled: number };
    // Our slots are 150 ms apart; the provider measures arrivals against its 100 ms, so only an
    // arrival delayed by more than 50 ms relative to the next can be refused, and is retried.
    const pages = await sql<{
      pages: number;
    }>`select sum(pages)::int as pages from synchub.runs`.execute(t.db);
    expect(seen.count - seen.throttled).toBe(pages.rows[0]!.pages);
    expect(seen.throttled).toBeLessThanOrEqual(2);
  }, 90_000);
});
