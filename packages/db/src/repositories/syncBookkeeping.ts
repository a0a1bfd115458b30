import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface StartedSync {
  outcome: "started";
  runId: string;
  connection: {
    id: string;
    provider: string;
    base_url: string | null;
    credentials_encrypted: string;
    /** The sync status before this run marked it running. */
    sync_status: "pending" | "running" | "ok" | "failed";
    last_synced_at: Date | null;
    consecutive_failures: number;
    auth_failures: number;
    pacing_min_interval_ms: number | null;
    pacing_hourly_cap: number | null;
    tier: "enterprise" | "pro" | "free";
    provider_min_interval_ms: number | null;
    provider_hourly_cap: number | null;
    provider_max_concurrency: number | null;
  };
}

/**
 * Opens a sync in one round trip (synchub.begin_sync): claims the connection and a provider slot,
 * inserts the run, marks the connection running. 'busy' keeps nothing.
 */
export async function beginSync(
  db: Executor,
  input: {
    connectionId: string;
    holder: string;
    jobId: string;
    attempt: number;
    trigger: string;
    ttlMs: number;
  },
): Promise<
  StartedSync | { outcome: "missing" | "paused" } | { outcome: "busy"; providerIntervalMs: number | null }
> {
  const { rows } = await sql<Record<string, unknown> & { outcome: string }>`
    select * from synchub.begin_sync(${input.connectionId}::uuid, ${input.holder}, ${input.jobId},
      ${input.attempt}::int, ${input.trigger}, ${Math.round(input.ttlMs)}::int)`.execute(db);
  const row = rows[0]!;
  if (row.outcome === "busy") {
    return { outcome: "busy", providerIntervalMs: row.provider_min_interval_ms as number | null };
  }
  if (row.outcome !== "started") return { outcome: row.outcome as "missing" | "paused" };
  return {
    outcome: "started",
    runId: String(row.run_id),
    connection: {
      id: input.connectionId,
      provider: row.provider as string,
      base_url: row.base_url as string | null,
      credentials_encrypted: row.credentials_encrypted as string,
      sync_status: row.previous_sync_status as StartedSync["connection"]["sync_status"],
      last_synced_at: row.last_synced_at as Date | null,
      consecutive_failures: row.consecutive_failures as number,
      auth_failures: row.auth_failures as number,
      pacing_min_interval_ms: row.pacing_min_interval_ms as number | null,
      pacing_hourly_cap: row.pacing_hourly_cap as number | null,
      tier: row.tier as StartedSync["connection"]["tier"],
      provider_min_interval_ms: row.provider_min_interval_ms as number | null,
      provider_hourly_cap: row.provider_hourly_cap as number | null,
      provider_max_concurrency: row.provider_max_concurrency as number | null,
    },
  };
}

/** Closes a successful sync in one round trip (synchub.complete_sync). */
export async function completeSync(
  db: Executor,
  input: {
    runId: string;
    connectionId: string;
    holder: string;
    startedAt: Date;
    nextSyncAt: Date;
    deadLetterId: number | null;
  },
): Promise<void> {
  await sql`select synchub.complete_sync(${input.runId}::bigint, ${input.connectionId}::uuid, ${input.holder},
    ${input.startedAt}, ${input.nextSyncAt}, ${input.deadLetterId}::bigint)`.execute(db);
}
