import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { exactTime, type KeysetPage, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export type AttentionReason = "paused_by_system" | "failing" | "never_succeeded" | "dead_letter";

export interface AttentionItem {
  id: string;
  kind: string;
  pool: string;
  subjectId: string;
  /** The connection's and tenant's names for an LLM-cost target; null for other kinds. */
  name: string | null;
  tenantName: string | null;
  reasons: AttentionReason[];
  error: string | null;
  pausedReason: string | null;
  consecutiveFailures: number;
  openDeadLetters: number;
  lastSyncedAt: Date | null;
  updatedAt: Date;
}

/*
 * A target needs a person when the engine paused it (authentication failures), its last sync
 * failed, it never succeeded although a whole interval has passed since it was created, or it has
 * an open dead letter. The first three are written as the partial index's predicate
 * (sync_targets_attention_idx) plus the exact test, so the planner may read only that index.
 */
export const needsPerson = (t: string) =>
  sql.raw(`
  ((${t}.status = 'paused' and ${t}.auth_failures > 0) or ${t}.sync_status = 'failed' or ${t}.last_synced_at is null)
  and ((${t}.status = 'paused' and ${t}.auth_failures > 0)
    or (${t}.status = 'active' and ${t}.sync_status = 'failed')
    or (${t}.status = 'active' and ${t}.last_synced_at is null
      and ${t}.created_at < now() - ${t}.interval_ms * interval '1 millisecond'))`);

const deadLettered = sql`select target_id from synchub.dead_letters where status = 'open' and target_id is not null`;

/**
 * Targets needing a person, most recently changed first, a page at a time. The keyset is the
 * last row's [updated_at to the microsecond, id].
 */
export async function listNeedsAttention(
  db: Executor,
  options: { after: readonly [string, string] | null; limit: number },
): Promise<KeysetPage<AttentionItem>> {
  const after = options.after
    ? sql`and (t.updated_at, t.id) < (${options.after[0]}::timestamptz, ${options.after[1]}::uuid)`
    : sql``;
  const limit = options.limit + 1;
  // Two ordered streams, each cut at one page: the targets the partial index holds, and the
  // targets with an open dead letter (as many as there are open letters, never every target).
  const { rows } = await sql<{
    id: string;
    kind: string;
    pool: string;
    subject_id: string;
    name: string | null;
    tenant_name: string | null;
    status: string;
    sync_status: string;
    auth_failures: number;
    sync_error: string | null;
    paused_reason: string | null;
    consecutive_failures: number;
    open_dead_letters: number;
    last_synced_at: Date | null;
    created_at: Date;
    interval_ms: number;
    updated_at: Date;
    position_at: string;
  }>`
    with page as (
      (select t.id from synchub.sync_targets t
        where ${needsPerson("t")} ${after}
        order by t.updated_at desc, t.id desc limit ${limit})
      union
      (select t.id from synchub.sync_targets t
        where t.id in (${deadLettered}) ${after}
        order by t.updated_at desc, t.id desc limit ${limit})
    )
    select t.id, t.kind, t.pool, t.subject_id, c.name, tn.name as tenant_name, t.status, t.sync_status,
      t.auth_failures, t.sync_error, t.paused_reason, t.consecutive_failures, t.last_synced_at,
      t.created_at, t.interval_ms, t.updated_at, ${exactTime(sql`t.updated_at`)} as position_at,
      (select count(*) from synchub.dead_letters d where d.target_id = t.id and d.status = 'open')::int
        as open_dead_letters
    from page
    join synchub.sync_targets t on t.id = page.id
    left join synchub.connections c on c.id = t.subject_id and t.kind = 'llm.costs'
    left join synchub.tenants tn on tn.id = c.tenant_id
    order by t.updated_at desc, t.id desc
    limit ${limit}`.execute(db);
  const now = Date.now();
  return keysetPage(
    rows,
    options.limit,
    (row) => [row.position_at, row.id],
    (row) => {
      const reasons: AttentionReason[] = [];
      if (row.status === "paused" && row.auth_failures > 0) reasons.push("paused_by_system");
      if (row.status === "active" && row.sync_status === "failed") reasons.push("failing");
      if (row.status === "active" && !row.last_synced_at && now - row.created_at.getTime() > row.interval_ms)
        reasons.push("never_succeeded");
      if (row.open_dead_letters > 0) reasons.push("dead_letter");
      return {
        id: row.id,
        kind: row.kind,
        pool: row.pool,
        subjectId: row.subject_id,
        name: row.name,
        tenantName: row.tenant_name,
        reasons,
        error: row.sync_error,
        pausedReason: row.paused_reason,
        consecutiveFailures: row.consecutive_failures,
        openDeadLetters: row.open_dead_letters,
        lastSyncedAt: row.last_synced_at,
        updatedAt: row.updated_at,
      };
    },
  );
}

/** How many targets need a person (the same test as the list). */
export async function countNeedsAttention(db: Executor): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select t.id from synchub.sync_targets t where ${needsPerson("t")}
      union
      ${deadLettered}
    ) needing`.execute(db);
  return rows[0]?.n ?? 0;
}

export interface RecentFailure {
  runId: string;
  task: string;
  kind: string | null;
  /** The target the run synced; null for a business task's run. */
  targetId: string | null;
  /** The connection's name for an LLM-cost target; null otherwise. */
  targetName: string | null;
  tenantName: string | null;
  error: string | null;
  errorClass: "transient" | "permanent" | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/**
 * The latest failed runs of any task, newest first: the start of runs_status_started_id_idx
 * (status, started_at desc, id desc), so `limit` rows are read whatever the size of the history.
 */
export async function listRecentFailures(db: Executor, limit: number): Promise<RecentFailure[]> {
  const rows = await db
    .selectFrom("runs")
    .leftJoin("sync_targets as target", "target.id", "runs.target_id")
    .leftJoin("connections", (join) =>
      join.onRef("connections.id", "=", "target.subject_id").on("target.kind", "=", "llm.costs"),
    )
    .leftJoin("tenants", "tenants.id", "connections.tenant_id")
    .select([
      "runs.id",
      "runs.task",
      "runs.kind",
      "runs.target_id",
      "connections.name as target_name",
      "tenants.name as tenant_name",
      "runs.error",
      "runs.error_class",
      "runs.started_at",
      "runs.finished_at",
    ])
    .where("runs.status", "=", "failed")
    .orderBy("runs.started_at", "desc")
    .orderBy("runs.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    runId: String(row.id),
    task: row.task,
    kind: row.kind,
    targetId: row.target_id,
    targetName: row.target_name,
    tenantName: row.tenant_name,
    error: row.error,
    errorClass: row.error_class as RecentFailure["errorClass"],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }));
}
