import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Database } from "@synchub/db";
import { freePort } from "@synchub/dev/ports";
import { makeScratchDir, type RunningPostgres, startEmbeddedPostgres } from "@synchub/dev/postgres";
import { devDatabaseUrl, waitForDatabase } from "@synchub/dev/settings";
import { createSecretBox } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startWorker } from "./worker.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
let scratch: string | undefined;
let dev: ChildProcess | undefined;
let postgres: RunningPostgres | undefined;
let db: Database | undefined;
const output: string[] = [];

afterAll(async () => {
  // When the test failed half-way, stop pnpm dev as Ctrl-C would (turbo then stops every task and
  // the database task stops Postgres); a SIGKILL to its group alone would orphan turbo's tasks.
  if (dev?.pid && dev.exitCode === null && dev.signalCode === null) {
    const gone = new Promise((resolve) => dev?.once("exit", resolve));
    signalGroup(dev.pid, "SIGINT");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    signalGroup(dev.pid, "SIGKILL");
  }
  await db?.destroy();
  await postgres?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Run history as the test reads it (one place to change when the run table changes). */
async function runsOf(database: Database, connectionId: string) {
  return database
    .selectFrom("runs")
    .select(["status", "error"])
    .where("target_id", "=", connectionId)
    .orderBy("id")
    .execute();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}; pnpm dev said:\n${output.join("").slice(-3000)}`);
}

describe("Ctrl-C under pnpm dev with a sync in flight", () => {
  it("releases the job at once, leaves no heartbeat, and the next start syncs it without waiting", async () => {
    scratch = await makeScratchDir("synchub-dev-test-");
    const ports = {
      SYNCHUB_PG_PORT: await freePort(),
      SANDBOX_PORT: await freePort(),
      SYNCHUB_SERVER_PORT: await freePort(),
      SYNCHUB_ADMIN_PORT: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      SYNCHUB_DATA_DIR: scratch,
      TURBO_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.SYNCHUB_ENCRYPTION_KEY;
    // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
    dev = spawn("pnpm", ["dev"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    dev.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    dev.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<void>((resolve) => dev?.once("exit", () => resolve()));

    const url = devDatabaseUrl(env);
    await waitForDatabase(url, { app: "test", log: () => {}, signal: AbortSignal.timeout(120_000) });
    db = createDb({ connectionString: url, maxConnections: 2 });
    const { encryptionKey } = JSON.parse(readFileSync(path.join(scratch, "dev-secrets.json"), "utf8")) as {
      encryptionKey: string;
    };

    // An account whose first provider call hangs, on the test run's own sandbox (it outlives pnpm dev).
    const sandboxUrl = inject("sandboxUrl");
    const adminKey = `sk-admin-ctrl-c-${randomUUID().slice(0, 8)}`;
    await fetch(`${sandboxUrl}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: adminKey, kind: "latency", latencyMs: 120_000, count: 1 }),
    });
    const tenant = await db
      .insertInto("tenants")
      .values({ name: "Ctrl-C", tier: "pro" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const connectionId = randomUUID();
    await db
      .insertInto("connections")
      .values({
        id: connectionId,
        tenant_id: tenant.id,
        provider: "openai",
        name: "in flight at Ctrl-C",
        base_url: `${sandboxUrl}/openai`,
        credentials_encrypted: createSecretBox(encryptionKey).seal(
          JSON.stringify({ adminKey }),
          connectionId,
        ),
      })
      .execute();
    await until(
      "the sync to be running under pnpm dev",
      async () =>
        (await runsOf(db!, connectionId)).some((run) => run.status === "running") ? true : undefined,
      60_000,
    );
    await db.destroy();
    db = undefined;

    process.kill(-dev.pid!, "SIGINT");
    await until(
      "pnpm dev to exit after Ctrl-C",
      async () => (dev?.exitCode !== null || dev?.signalCode !== null ? true : undefined),
      60_000,
    );
    await exited;

    // Postgres again on the same data, as the next `pnpm dev` would start it.
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(scratch, "postgres"),
      port: ports.SYNCHUB_PG_PORT,
    });
    db = createDb({ connectionString: url, maxConnections: 2 });
    const said = output.join("").slice(-4000);
    expect(await db.selectFrom("worker_heartbeats").select("process_id").execute(), said).toEqual([]);
    const { rows: jobs } = await sql<{ locked_at: Date | null }>`
      select locked_at from graphile_worker.jobs where key = ${`sync:${connectionId}`}`.execute(db);
    expect(jobs).toEqual([{ locked_at: null }]);
    expect((await runsOf(db, connectionId)).map((run) => run.status)).toEqual(["deferred"]);

    // A worker that would wait 10 minutes before reclaiming anything still syncs it now.
    const worker = await startWorker({
      connectionString: url,
      encryptionKey,
      handleSignals: false,
      logLevel: "silent",
      heartbeat: { staleAfterMs: 600_000 },
    });
    try {
      await until(
        "the next start to sync the connection",
        async () =>
          (await runsOf(db!, connectionId)).some((run) => run.status === "succeeded") ? true : undefined,
        60_000,
      );
    } finally {
      await worker.stop();
    }
  }, 300_000);
});
