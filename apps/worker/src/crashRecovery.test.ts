import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { listCostRows } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWorker } from "./worker.ts";

let t: TestDatabase;
const encryptionKey = randomBytes(32).toString("base64");
let child: ChildProcess | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.updateTable("pools").set({ min_interval_ms: 0 }).execute();
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await t.drop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a worker killed mid-sync", () => {
  it("has its job run again by another worker, every row saved once, and the history true", async () => {
    const sandboxUrl = inject("sandboxUrl");
    const adminKey = `sk-admin-crash-${randomBytes(4).toString("hex")}`;
    // The first request hangs, so the sync is mid-flight when its worker dies.
    await fetch(`${sandboxUrl}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: adminKey, kind: "latency", latencyMs: 60_000, count: 1 }),
    });

    child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./main.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          SYNCHUB_ENCRYPTION_KEY: encryptionKey,
          WORKER_HEARTBEAT_MS: "300",
          LOG_LEVEL: "silent",
        },
        stdio: "ignore",
      },
    );
    const tenant = await t.db
      .insertInto("tenants")
      .values({ name: "Crash", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const connectionId = randomUUID();
    const connection = await t.db
      .insertInto("connections")
      .values({
        id: connectionId,
        tenant_id: tenant.id,
        provider: "openai",
        name: "crash test",
        base_url: `${sandboxUrl}/openai`,
        credentials_encrypted: createSecretBox(encryptionKey).seal(
          JSON.stringify({ adminKey }),
          connectionId,
        ),
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    await waitFor("the first worker to start the sync", async () => {
      const run = await t.db
        .selectFrom("runs")
        .select("id")
        .where("target_id", "=", connectionId)
        .where("status", "=", "running")
        .executeTakeFirst();
      return run ?? undefined;
    });
    child.kill("SIGKILL");

    const survivor = await startWorker({
      connectionString: t.url,
      encryptionKey,
      handleSignals: false,
      logLevel: "silent",
      heartbeat: { intervalMs: 300, staleAfterMs: 2_000 },
    });
    try {
      await waitFor("the sync to succeed on the surviving worker", async () => {
        const run = await t.db
          .selectFrom("runs")
          .select("id")
          .where("target_id", "=", connectionId)
          .where("status", "=", "succeeded")
          .executeTakeFirst();
        return run ?? undefined;
      });
      // The connection's runs (the workers' ticks have run rows of their own).
      const runs = await t.db
        .selectFrom("runs")
        .selectAll()
        .where("target_id", "=", connectionId)
        .orderBy("id")
        .execute();
      expect(runs.map((run) => run.status)).toEqual(["failed", "succeeded"]);
      expect(runs[0]!.error).toMatch(/stopped \(no heartbeat\)/);
      const rows = await listCostRows(t.db, connection.id);
      expect(rows.length).toBe(runs[1]!.rows_inserted);
      expect(rows.length).toBeGreaterThan(20);
      expect(await t.db.selectFrom("dead_letters").select("id").execute()).toEqual([]);
    } finally {
      await survivor.stop();
    }
  }, 150_000);
});
