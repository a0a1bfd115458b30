/**
 * Crash recovery: time from SIGKILL of a worker process in the middle of a sync to that sync
 * running again on another worker, with the default heartbeat (10 s) and staleness (45 s).
 * Reference: graphile-worker on its own, which treats a lock as stale only after 4 hours.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { startSandbox } from "@synchub/sandbox";
import { startWorker } from "@synchub/worker";
import { sql } from "kysely";
import { type BenchServer, benchSecrets, insertConnections, median, waitUntil } from "./harness.ts";

const SAMPLES = 3;
const workerMain = createRequire(import.meta.url)
  .resolve("@synchub/worker")
  .replace(/worker\.ts$/, "main.ts");

async function sample(server: BenchServer, sandboxUrl: string, index: number): Promise<number> {
  const { url, db } = await server.newDatabase();
  await db.updateTable("pools").set({ min_interval_ms: 0 }).execute();
  const adminKey = `sk-admin-crash-bench-${index}-${Date.now()}`;
  await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: adminKey, kind: "latency", latencyMs: 600_000, count: 1 }),
  });
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", workerMain], {
    env: { ...process.env, DATABASE_URL: url, SYNCHUB_ENCRYPTION_KEY: benchSecrets.key, LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  try {
    await insertConnections(db, {
      count: 1,
      provider: "openai",
      baseUrl: `${sandboxUrl}/openai`,
      credentials: () => ({ adminKey }),
    });
    const runCount = async (status?: string) => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from synchub.runs where ${status ? sql`status = ${status}` : sql`true`}`.execute(
        db,
      );
      return rows[0]!.n;
    };
    await waitUntil("the sync to start", async () => (await runCount("running")) === 1, 120_000);
    // Let the dead worker's last heartbeat be a normal one, not one taken at start-up.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    child.kill("SIGKILL");
    const killedAt = Date.now();
    const survivor = await startWorker({
      connectionString: url,
      encryptionKey: benchSecrets.key,
      handleSignals: false,
      logLevel: "silent",
    });
    try {
      await waitUntil("the sync to run again", async () => (await runCount()) >= 2, 180_000);
      return (Date.now() - killedAt) / 1000;
    } finally {
      await survivor.stop();
    }
  } finally {
    child.kill("SIGKILL");
  }
}

export async function crashRecovery(server: BenchServer) {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const seconds = await Promise.all(
      Array.from({ length: SAMPLES }, (_, i) => sample(server, sandbox.url, i)),
    );
    const figure = median(seconds);
    return {
      name: "crash recovery",
      figure: `${figure.toFixed(1)} s from SIGKILL to the sync running again (median of ${SAMPLES})`,
      reference: "graphile-worker alone: 4 h (14,400 s) before a lock counts as stale",
      ratio: figure / 14_400,
      target: "under 60 s",
      ok: figure < 60,
      detail: `samples ${seconds.map((s) => s.toFixed(1)).join(", ")} s; heartbeat every 10 s, stale after 45 s`,
    };
  } finally {
    await sandbox.close();
  }
}
