/** Fixtures shared by the jobs tests: real rows, a real graphile-worker run, the real sandbox. */
import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "@synchub/db";
import { createSecretBox, type Tier } from "@synchub/domain";
import { Logger, runOnce } from "graphile-worker";
import { sql } from "kysely";
import { inject } from "vitest";
import { createTaskList } from "./catalog.ts";
import type { StripeOptions, SyncOptions, TaskContext } from "./context.ts";

export const testSecrets = createSecretBox(randomBytes(32).toString("base64"));

export function testContext(db: Database, sync: SyncOptions = {}): TaskContext {
  return {
    db,
    secrets: testSecrets,
    sync: { httpRetry: { attempts: 3, baseDelayMs: 10 }, httpTimeoutMs: 2_000, ...sync },
  };
}

/** A fresh admin key the sandbox accepts; unique per test so injected faults stay scoped to it. */
export function sandboxKey(label = "test"): string {
  return `sk-admin-${label}-${randomBytes(6).toString("hex")}`;
}

export async function insertTenant(
  db: Database,
  tier: Tier = "pro",
  name = `Tenant ${randomBytes(3).toString("hex")}`,
) {
  return db.insertInto("tenants").values({ name, tier }).returning("id").executeTakeFirstOrThrow();
}

export async function insertOpenAIConnection(
  db: Database,
  input: { tenantId: string; adminKey: string; status?: "active" | "paused" },
): Promise<string> {
  const id = randomUUID();
  const row = await db
    .insertInto("connections")
    .values({
      id,
      tenant_id: input.tenantId,
      provider: "openai",
      name: "OpenAI",
      base_url: `${inject("sandboxUrl")}/openai`,
      credentials_encrypted: testSecrets.seal(JSON.stringify({ adminKey: input.adminKey }), id),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (input.status === "paused") await pauseTarget(db, row.id);
  return row.id;
}

/** Lifts the providers' pacing (SPEC defaults: one call per 10 s) for tests that are not about pacing. */
export async function disablePacing(db: Database): Promise<void> {
  await db.updateTable("pools").set({ min_interval_ms: 0, hourly_cap: 1_000_000 }).execute();
}

/** Runs every job that is due now, with the real task catalog, then returns. */
export async function runDueJobs(
  db: Database,
  connectionString: string,
  sync: SyncOptions = {},
  stripe?: StripeOptions,
): Promise<void> {
  const ctx = { ...testContext(db, sync), ...(stripe ? { stripe } : {}) };
  await runOnce({ connectionString, taskList: createTaskList(ctx), logger: quietLogger });
}

export async function injectFault(key: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${inject("sandboxUrl")}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key, ...fault }),
  });
  if (!response.ok) throw new Error(`sandbox refused fault: ${await response.text()}`);
}

export async function sandboxRequestCount(key: string): Promise<number> {
  const response = await fetch(`${inject("sandboxUrl")}/__sandbox/requests?key=${encodeURIComponent(key)}`);
  return ((await response.json()) as { count: number }).count;
}

const quietLogger = new Logger(() => () => {});

/** Pauses a target and drops its pending job (a connection's first sync, enqueued by its insert). */
export async function pauseTarget(db: Database, id: string): Promise<void> {
  await db.updateTable("sync_targets").set({ status: "paused" }).where("id", "=", id).execute();
  await sql`select graphile_worker.remove_job(${`sync:${id}`})`.execute(db);
}
