/**
 * Opening and closing a target's sync, one plain statement per step, each in its own short
 * transaction: claim the target and a slot of its pool, insert the run; later close the run,
 * write the target's new state and free both claims. Written for a reader, not for the last
 * instruction (the hot path's old group-committed functions are gone with migration 0017).
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { resolveDeadLetter } from "./deadLetters.ts";

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

export async function beginSync(db: Kysely<DB>, input: BeginSyncInput): Promise<BeginOutcome> {
  return db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom("sync_targets as t")
      .innerJoin("pools as p", "p.name", "t.pool")
      .select([
        "t.id",
        "t.kind",
        "t.subject_id",
        "t.pool",
        "t.interval_ms",
        "t.status",
        "t.sync_status as previous_sync_status",
        "t.last_synced_at",
        "t.consecutive_failures",
        "t.auth_failures",
        "t.pacing_min_interval_ms",
        "t.pacing_hourly_cap",
        "t.claimed_by",
        "t.claimed_until",
        "p.min_interval_ms as pool_min_interval_ms",
        "p.hourly_cap as pool_hourly_cap",
        "p.max_concurrency as pool_max_concurrency",
      ])
      .where("t.id", "=", input.targetId)
      .forUpdate("t")
      .executeTakeFirst();
    if (!target) return { outcome: "missing" };
    if (target.status !== "active") return { outcome: "paused" };
    const busy = { outcome: "busy", poolIntervalMs: target.pool_min_interval_ms } as const;
    if (target.claimed_by !== null && target.claimed_until !== null && target.claimed_until > new Date()) {
      return busy;
    }
    const claimedUntil = sql<Date>`now() + ${input.ttlMs} * interval '1 millisecond'`;

    const slot = await claimPoolSlot(
      trx,
      target.pool,
      target.pool_max_concurrency,
      input.holder,
      claimedUntil,
    );
    if (slot === null) return busy;

    await trx
      .updateTable("sync_targets")
      .set({
        claimed_by: input.holder,
        claimed_until: claimedUntil,
        sync_status: "running",
        updated_at: sql`now()`,
      })
      .where("id", "=", target.id)
      .execute();
    const run = await trx
      .insertInto("runs")
      .values({
        task: input.task,
        kind: target.kind,
        target_id: target.id,
        trigger: input.trigger,
        attempt: input.attempt,
        job_id: input.jobId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { status: _status, claimed_by: _by, claimed_until: _until, ...claimed } = target;
    return { outcome: "started", runId: String(run.id), slot, target: claimed };
  });
}

/**
 * One free slot of the pool (numbered rows taken with skip locked, so concurrent syncs never wait
 * on each other), or null when all `maxConcurrency` are held. Slots are created on first use and
 * when an operator raises the pool's concurrency.
 */
async function claimPoolSlot(
  trx: Transaction<DB>,
  pool: string,
  maxConcurrency: number,
  holder: string,
  claimedUntil: ReturnType<typeof sql<Date>>,
): Promise<number | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const { rows } = await sql<{ slot: number }>`
      update synchub.pool_slots s set claimed_by = ${holder}, claimed_until = ${claimedUntil}
      where (s.pool, s.slot) = (
        select f.pool, f.slot from synchub.pool_slots f
        where f.pool = ${pool} and f.slot < ${maxConcurrency}
          and (f.claimed_by is null or f.claimed_until < now())
        order by f.slot
        limit 1
        for update skip locked
      )
      returning s.slot`.execute(trx);
    if (rows[0]) return rows[0].slot;
    const { numAffectedRows } = await sql`
      insert into synchub.pool_slots (pool, slot)
      select ${pool}, n from generate_series(0, ${maxConcurrency} - 1) as n
      on conflict do nothing`.execute(trx);
    if (!numAffectedRows) return null;
  }
  return null;
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

/** Closes a successful sync: the run, the target's new state, both claims, a replayed dead letter. */
export async function completeSync(db: Kysely<DB>, input: CompleteSyncInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("runs")
      .set({
        status: "succeeded",
        finished_at: sql`now()`,
        duration_ms: sql`(extract(epoch from now() - started_at) * 1000)::integer`,
      })
      .where("id", "=", input.runId)
      .execute();
    await trx
      .updateTable("sync_targets")
      .set({
        sync_status: "ok",
        sync_error: null,
        sync_error_class: null,
        consecutive_failures: 0,
        auth_failures: 0,
        last_synced_at: input.startedAt,
        next_sync_at: input.nextSyncAt,
        claimed_by: null,
        claimed_until: null,
        updated_at: sql`now()`,
      })
      .where("id", "=", input.targetId)
      .execute();
    await trx
      .updateTable("pool_slots")
      .set({ claimed_by: null, claimed_until: null })
      .where("pool", "=", input.pool)
      .where("slot", "=", input.slot)
      .where("claimed_by", "=", input.holder)
      .execute();
    if (input.deadLetterId !== null) await resolveDeadLetter(trx, input.deadLetterId);
  });
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
