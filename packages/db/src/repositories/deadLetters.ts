import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { recordAudit } from "./audit.ts";
import { DEFAULT_PAGE_SIZE, exactTime, type Keyset, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface DeadLetterInput {
  task: string;
  payload: Record<string, unknown>;
  jobKey: string | null;
  queueName: string | null;
  /** The sync target it came from (a connection's: the same id); null for a business task. */
  targetId: string | null;
  errorClass: "transient" | "permanent";
  error: string;
  fingerprint: string;
  attempts: number;
  /** Set when the failing job was itself a replay: the same dead letter reopens. */
  deadLetterId?: number;
  /** When the periodic job may retry it; null for permanent failures. */
  nextAutoRetryAt: Date | null;
}

/** Files a failure for good, or reopens the dead letter a failed replay came from. */
export async function fileDeadLetter(db: Executor, input: DeadLetterInput): Promise<string> {
  const { deadLetterId: _replayOf, ...payload } = input.payload;
  if (input.deadLetterId !== undefined) {
    const reopened = await db
      .updateTable("dead_letters")
      .set((eb) => ({
        status: "open",
        error_class: input.errorClass,
        error: input.error,
        fingerprint: input.fingerprint,
        attempts: eb("attempts", "+", input.attempts),
        last_failed_at: sql`now()`,
        next_auto_retry_at: input.nextAutoRetryAt,
        closed_at: null,
        closed_by: null,
      }))
      .where("id", "=", String(input.deadLetterId))
      .returning("id")
      .executeTakeFirst();
    if (reopened) return reopened.id;
  }
  const row = await db
    .insertInto("dead_letters")
    .values({
      task: input.task,
      payload: JSON.stringify(payload),
      job_key: input.jobKey,
      queue_name: input.queueName,
      target_id: input.targetId,
      error_class: input.errorClass,
      error: input.error,
      fingerprint: input.fingerprint,
      attempts: input.attempts,
      next_auto_retry_at: input.nextAutoRetryAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A replayed job succeeded: its dead letter is closed. */
export async function resolveDeadLetter(db: Executor, id: number): Promise<void> {
  await db
    .updateTable("dead_letters")
    .set({ status: "resolved", closed_at: sql`now()`, closed_by: "replay", next_auto_retry_at: null })
    .where("id", "=", String(id))
    .where("status", "in", ["open", "replaying"])
    .execute();
}

export type DeadLetterSelection = { ids: string[] } | { fingerprint: string };

/**
 * Re-enqueues open dead letters with their original payload, job key and queue, in one
 * statement, marks them replaying and audits each. Returns the ids replayed.
 * `autoRetry` picks the transient ones due for the periodic retry instead of a selection.
 */
export async function replayDeadLetters(
  db: Kysely<DB>,
  selection: DeadLetterSelection | { autoRetry: { maxRetries: number; limit: number } },
  actor: string,
): Promise<string[]> {
  const auto = "autoRetry" in selection ? selection.autoRetry : null;
  const filter =
    "ids" in selection
      ? sql`id = any(${selection.ids}::bigint[])`
      : "fingerprint" in selection
        ? sql`fingerprint = ${selection.fingerprint}`
        : sql`next_auto_retry_at <= now() and auto_retries < ${auto!.maxRetries}`;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      with chosen as (
        select id from synchub.dead_letters
        where status = 'open' and ${filter}
        order by last_failed_at
        limit ${auto?.limit ?? 10_000}
        for update skip locked
      ), marked as (
        update synchub.dead_letters d
        set status = 'replaying',
            auto_retries = auto_retries + ${auto ? 1 : 0},
            next_auto_retry_at = null
        from chosen where d.id = chosen.id
        returning d.*
      )
      select marked.id, (graphile_worker.add_job(
        marked.task,
        -- A replay runs as trigger 'replay', from its first attempt, and names its letter.
        (marked.payload || jsonb_build_object('deadLetterId', marked.id, 'trigger', 'replay', 'attempt', 1))::json,
        queue_name := marked.queue_name,
        job_key := marked.job_key,
        job_key_mode := 'replace'
      )).id as job_id
      from marked`.execute(trx);
    await recordAudit(
      trx,
      rows.map((row) => ({
        actor,
        action: auto ? "dead_letter.auto_retry" : "dead_letter.replay",
        objectType: "dead_letter",
        objectId: row.id,
      })),
    );
    return rows.map((row) => row.id);
  });
}

export async function discardDeadLetters(
  db: Kysely<DB>,
  selection: DeadLetterSelection,
  actor: string,
  reason: string,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .updateTable("dead_letters")
      .set({
        status: "discarded",
        discard_reason: reason,
        closed_at: sql`now()`,
        closed_by: actor,
        next_auto_retry_at: null,
      })
      .where("status", "=", "open");
    query =
      "ids" in selection
        ? query.where("id", "in", selection.ids)
        : query.where("fingerprint", "=", selection.fingerprint);
    const rows = await query.returning("id").execute();
    await recordAudit(
      trx,
      rows.map((row) => ({
        actor,
        action: "dead_letter.discard",
        objectType: "dead_letter",
        objectId: row.id,
        details: { reason },
      })),
    );
    return rows.map((row) => row.id);
  });
}

export interface DeadLetterFilter {
  status?: "open" | "replaying" | "resolved" | "discarded";
  /** One group's letters. */
  fingerprint?: string;
  /** The previous page's last keyset: [last_failed_at to the microsecond, id]. (Default: the first page) */
  after?: Keyset | null;
  /** Letters per page. (Default: 50) */
  limit?: number;
}

/**
 * Dead letters with the target each came from: its id, kind, status and (for a connection's) name,
 * and whether the failure is permanent (credentials, not found, bad request: the connector's
 * permanent class), which a replay will not fix until someone changes something.
 */
function lettersWithTargets(db: Executor) {
  return db
    .selectFrom("dead_letters")
    .leftJoin("sync_targets as target", "target.id", "dead_letters.target_id")
    .leftJoin("connections", (join) =>
      join.onRef("connections.id", "=", "target.subject_id").on("target.kind", "=", "llm.costs"),
    )
    .leftJoin("tenants", "tenants.id", "connections.tenant_id")
    .selectAll("dead_letters")
    .select([
      // The admin links a sync's dead letter to its connection (whose target has the same id).
      "dead_letters.target_id as connection_id",
      "connections.name as connection_name",
      "connections.name as target_name",
      "target.kind as target_kind",
      "target.status as target_status",
      "connections.provider",
      "tenants.name as tenant_name",
      sql<boolean>`dead_letters.error_class = 'permanent'`.as("permanent"),
    ]);
}

/** One page of dead letters, the latest failure first; each names the target it came from. */
export async function listDeadLetters(db: Executor, filter: DeadLetterFilter = {}) {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  let query = lettersWithTargets(db)
    .select(exactTime(sql`dead_letters.last_failed_at`).as("keyset_failed_at"))
    .orderBy("dead_letters.last_failed_at", "desc")
    .orderBy("dead_letters.id", "desc")
    .limit(limit + 1);
  if (filter.status) query = query.where("dead_letters.status", "=", filter.status);
  if (filter.fingerprint) query = query.where("dead_letters.fingerprint", "=", filter.fingerprint);
  if (filter.after) {
    const [failedAt, id] = filter.after;
    query = query.where(
      sql<boolean>`(dead_letters.last_failed_at, dead_letters.id) < (${failedAt}::timestamptz, ${id}::bigint)`,
    );
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.keyset_failed_at, row.id],
    ({ keyset_failed_at: _, ...letter }) => letter,
  );
}

/**
 * Open dead letters grouped by cause, largest group first (then by fingerprint), a page at a
 * time: a flood of distinct errors must not come back as one answer.
 */
export async function deadLetterGroups(
  db: Executor,
  page: {
    /** The previous page's last keyset: [count, fingerprint, task, error class]. (Default: the first page) */
    after?: Keyset | null;
    /** Groups per page. (Default: 50) */
    limit?: number;
  } = {},
) {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  let query = db
    .selectFrom("dead_letters")
    .where("status", "=", "open")
    .groupBy(["fingerprint", "task", "error_class"])
    .select((eb) => [
      "fingerprint",
      "task",
      "error_class",
      eb.fn.countAll<string>().as("count"),
      eb.fn.max("last_failed_at").as("last_failed_at"),
      eb.fn.min("first_failed_at").as("first_failed_at"),
      sql<string>`(array_agg(error order by last_failed_at desc))[1]`.as("sample_error"),
    ])
    .orderBy(sql`count(*)`, "desc")
    .orderBy("fingerprint")
    .orderBy("task")
    .orderBy("error_class")
    .limit(limit + 1);
  if (page.after) {
    const [count, fingerprint, task, errorClass] = page.after;
    // Negated, the count sorts ascending like the rest, so one row comparison says "after".
    query = query.having(
      sql<boolean>`(-count(*), fingerprint, task, error_class) > (${-Number(count)}::bigint, ${fingerprint}, ${task}, ${errorClass})`,
    );
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.count, row.fingerprint, row.task, row.error_class],
    (row) => row,
  );
}

/** How many dead letters are open, and in how many groups (the page's summary line). */
export async function countOpenDeadLetters(db: Executor) {
  const row = await db
    .selectFrom("dead_letters")
    .where("status", "=", "open")
    .select((eb) => [
      eb.fn.countAll<string>().as("letters"),
      sql<string>`count(distinct (fingerprint, task, error_class))`.as("groups"),
    ])
    .executeTakeFirstOrThrow();
  return { letters: Number(row.letters), groups: Number(row.groups) };
}

export function findDeadLetter(db: Executor, id: string) {
  return lettersWithTargets(db).where("dead_letters.id", "=", id).executeTakeFirst();
}
