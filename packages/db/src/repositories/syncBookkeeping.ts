/**
 * Opening and closing a target's sync, each one round trip to a plain SQL function (migration
 * 0019): claim the target and a slot of its pool, insert the run; later close the run, write the
 * target's new state and free both claims. Failures and deferrals close their run from the loop.
 */
import type { Kysely, Transaction } from "kysely";
import { type Database, queryPrepared } from "../client.ts";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** A claimed target with its pool's settings, as the sync loop needs them. */
export interface ClaimedTarget {
  id: string;
  kind: string;
  subject_id: string;
  pool: string;
  interval_ms: number;
  /** The sync status before this run marked it running. */
  previous_sync_status: "pending" | "running" | "ok" | "failed";
  last_synced_at: Date | null;
  consecutive_failures: number;
  auth_failures: number;
  pacing_min_interval_ms: number | null;
  pacing_hourly_cap: number | null;
  pool_min_interval_ms: number;
  pool_hourly_cap: number;
  pool_max_concurrency: number;
}

export type BeginOutcome =
  | { outcome: "started"; runId: string; slot: number; target: ClaimedTarget }
  | { outcome: "missing" | "paused" }
  | { outcome: "busy"; poolIntervalMs: number };

export interface BeginSyncInput {
  targetId: string;
  /** The job's claim on the target and its pool slot: 'job:<graphile-worker job id>'. */
  holder: string;
  jobId: string;
  task: string;
  attempt: number;
  trigger: DB["runs"]["trigger"];
  /** How long the claims hold if the job never ends them (a crash the reaper missed). */
  ttlMs: number;
}

// Named statements: parsed and planned once per connection, since every sync sends them.
const BEGIN = {
  name: "synchub_begin_sync",
  text: "select * from synchub.begin_sync($1::uuid, $2, $3, $4, $5::int, $6, $7::int)",
};
const COMPLETE = {
  name: "synchub_complete_sync",
  text: "select synchub.complete_sync($1::bigint, $2::uuid, $3, $4, $5::int, $6::timestamptz, $7::timestamptz, $8::bigint)",
};

type BeginRow = Omit<ClaimedTarget, "id"> & {
  outcome: "started" | "missing" | "paused" | "busy";
  run_id: string | null;
  slot: number | null;
};

/** Claims the target and a pool slot and opens the run (synchub.begin_sync). */
export async function beginSync(db: Database, input: BeginSyncInput): Promise<BeginOutcome> {
  const [row] = await queryPrepared<BeginRow>(db, BEGIN, [
    input.targetId,
    input.holder,
    input.jobId,
    input.task,
    input.attempt,
    input.trigger,
    Math.round(input.ttlMs),
  ]);
  if (!row) return { outcome: "missing" };
  if (row.outcome === "missing" || row.outcome === "paused") return { outcome: row.outcome };
  if (row.outcome === "busy") return { outcome: "busy", poolIntervalMs: row.pool_min_interval_ms ?? 1_000 };
  const { outcome: _outcome, run_id, slot, ...target } = row;
  return {
    outcome: "started",
    runId: String(run_id),
    slot: slot!,
    target: { ...target, id: input.targetId },
  };
}

export interface CompleteSyncInput {
  runId: string;
  targetId: string;
  holder: string;
  pool: string;
  slot: number;
  startedAt: Date;
  nextSyncAt: Date;
  deadLetterId: number | null;
}

/** Closes a successful sync (synchub.complete_sync): the run, the target, both claims, a replayed letter. */
export async function completeSync(db: Database, input: CompleteSyncInput): Promise<void> {
  await queryPrepared(db, COMPLETE, [
    input.runId,
    input.targetId,
    input.holder,
    input.pool,
    input.slot,
    input.startedAt,
    input.nextSyncAt,
    input.deadLetterId,
  ]);
}

/** Frees a job's claims on its target and pool slot (deferrals, failures, a sync that broke). */
export async function releaseSyncClaims(
  db: Executor,
  input: { targetId: string; holder: string },
): Promise<void> {
  await db
    .updateTable("pool_slots")
    .set({ claimed_by: null, claimed_until: null })
    .where("claimed_by", "=", input.holder)
    .execute();
  await db
    .updateTable("sync_targets")
    .set({ claimed_by: null, claimed_until: null })
    .where("id", "=", input.targetId)
    .where("claimed_by", "=", input.holder)
    .execute();
}
