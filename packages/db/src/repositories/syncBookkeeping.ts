import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, queryPrepared } from "../client.ts";
import type { DB } from "../generated.ts";
import { createGroupCommit } from "../groupCommit.ts";

export interface StartedSync {
  outcome: "started";
  runId: string;
  /** The provider slot this sync holds, freed by completeSyncs. */
  slot: number;
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

export type BeginOutcome =
  | StartedSync
  | { outcome: "missing" | "paused" }
  | { outcome: "busy"; providerIntervalMs: number | null };

export interface BeginSyncInput {
  connectionId: string;
  /** The job's claim on the connection and its provider slot: 'job:<graphile-worker job id>'. */
  holder: string;
  jobId: string;
  attempt: number;
  trigger: string;
  /** How long the claims hold if the job never ends them (a crash the reaper missed). */
  ttlMs: number;
}

export interface CompleteSyncInput {
  runId: string;
  connectionId: string;
  holder: string;
  /** The provider slot the sync holds (StartedSync's provider and slot). */
  provider: string;
  slot: number;
  startedAt: Date;
  nextSyncAt: Date;
  deadLetterId: number | null;
}

/**
 * Opens syncs in one round trip (synchub.sync_bookkeeping): for each, claims the connection and a
 * provider slot, inserts the run, marks the connection running. 'busy' keeps nothing.
 */
export async function beginSyncs(db: Database, items: readonly BeginSyncInput[]): Promise<BeginOutcome[]> {
  return syncBookkeeping(db, [], items);
}

/** synchub.sync_bookkeeping reads an opening's time limit as whole milliseconds (an integer). */
function withWholeTtl(item: BeginSyncInput): BeginSyncInput {
  return { ...item, ttlMs: Math.round(item.ttlMs) };
}

export async function beginSync(db: Database, input: BeginSyncInput): Promise<BeginOutcome> {
  return (await beginSyncs(db, [input]))[0]!;
}

function toBeginOutcome(row: Record<string, unknown>, connectionId: string): BeginOutcome {
  if (row.outcome === "busy") {
    return { outcome: "busy", providerIntervalMs: row.provider_min_interval_ms as number | null };
  }
  if (row.outcome !== "started") return { outcome: row.outcome as "missing" | "paused" };
  return {
    outcome: "started",
    runId: String(row.run_id),
    slot: row.slot as number,
    connection: {
      id: connectionId,
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

/** Closes successful syncs in one round trip: their runs, their connections' state, their claims. */
export async function completeSyncs(db: Database, items: readonly CompleteSyncInput[]): Promise<void> {
  await syncBookkeeping(db, items, []);
}

/**
 * Lets go of what a sync job holds, its provider slot and its connection's claim, when the sync
 * ends other than by completeSyncs (deferred, failed). Runs inside the caller's transaction.
 */
export async function releaseSyncClaims(
  db: Kysely<DB> | Transaction<DB>,
  claim: { connectionId: string; holder: string },
): Promise<void> {
  await sql`select synchub.release_sync_claims(${claim.connectionId}::uuid, ${claim.holder})`.execute(db);
}

/**
 * Closes and opens syncs in one round trip (synchub.sync_bookkeeping): the completions first, so
 * the slots they free can go to the syncs opened after them. Each list goes in connection id
 * order, so that concurrent batches lock connection rows in the same order (the SQL does not sort).
 */
export async function syncBookkeeping(
  db: Database,
  completions: readonly CompleteSyncInput[],
  begins: readonly BeginSyncInput[],
): Promise<BeginOutcome[]> {
  // Positions of `begins` in connection id order.
  const order = begins.map((_, i) => i).sort((a, b) => compareIds(begins[a]!, begins[b]!));
  const rows = await queryPrepared<Record<string, unknown> & { item: number }>(
    db,
    {
      name: "synchub.sync_bookkeeping",
      text: "select * from synchub.sync_bookkeeping($1::jsonb, $2::jsonb)",
    },
    [JSON.stringify(byConnection(completions)), JSON.stringify(order.map((i) => withWholeTtl(begins[i]!)))],
  );
  // The answers name items by their 1-based position in the list as sent.
  const outcomes: BeginOutcome[] = new Array(begins.length);
  for (const row of rows) {
    const i = order[row.item - 1]!;
    outcomes[i] = toBeginOutcome(row, begins[i]!.connectionId);
  }
  return outcomes;
}

function byConnection<T extends { connectionId: string }>(items: readonly T[]): readonly T[] {
  return items.length < 2 ? items : [...items].sort(compareIds);
}

/** The order Postgres gives uuids: that of their lowercase text. */
function compareIds(a: { connectionId: string }, b: { connectionId: string }): number {
  const x = a.connectionId.toLowerCase();
  const y = b.connectionId.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface SyncBookkeeper {
  begin(input: BeginSyncInput): Promise<BeginOutcome>;
  complete(input: CompleteSyncInput): Promise<void>;
}

type BookkeepingItem = { begin: BeginSyncInput } | { complete: CompleteSyncInput };

/**
 * Opening and closing syncs through group commit (see groupCommit.ts): a worker running many
 * syncs at once sends the begins and completions that wait together in one statement
 * (synchub.sync_bookkeeping) instead of a round trip each. Should a batch fail (a deadlock with
 * another transaction, say), its items are retried one by one, so one bad item fails only its
 * own sync.
 */
export function createSyncBookkeeper(
  db: Database,
  options: { maxInFlight?: number; maxBatchSize?: number } = {},
): SyncBookkeeper {
  const run = async (items: readonly BookkeepingItem[]): Promise<Array<BeginOutcome | undefined>> => {
    const completions: CompleteSyncInput[] = [];
    const begins: BeginSyncInput[] = [];
    for (const item of items) {
      if ("begin" in item) begins.push(item.begin);
      else completions.push(item.complete);
    }
    const started = await syncBookkeeping(db, completions, begins);
    let next = 0;
    return items.map((item) => ("begin" in item ? started[next++] : undefined));
  };
  const bookkeeping = createGroupCommit<BookkeepingItem, BeginOutcome | undefined>(
    (items) =>
      run(items).catch((error: unknown) =>
        items.length === 1 ? Promise.reject(error) : oneByOne(items, async (item) => (await run([item]))[0]),
      ),
    { maxInFlight: options.maxInFlight ?? 2, maxBatchSize: options.maxBatchSize ?? 50 },
  );
  return {
    begin: async (input) => (await bookkeeping({ begin: input }))!,
    complete: async (input) => void (await bookkeeping({ complete: input })),
  };
}

/** Each item on its own; a failure becomes that item's error only. */
async function oneByOne<In, Out>(
  items: readonly In[],
  run: (item: In) => Promise<Out>,
): Promise<Array<Out | Error>> {
  return Promise.all(
    items.map((item) =>
      run(item).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    ),
  );
}
