import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, exactTime, type Keyset, type KeysetPage, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface RunFilter {
  /** A target's runs (a connection's: the same id). */
  connectionId?: string;
  /** One task's runs: "sync.target", "credits.grant", ... */
  task?: string;
  /**
   * Which work: target syncs, business jobs, the scheduler's own ticks (two a minute), or all
   * but those ticks. (Default: "work", everything but the ticks)
   */
  scope?: "work" | "syncs" | "jobs" | "ticks" | "all";
  status?: "running" | "succeeded" | "failed" | "deferred";
  /** One target kind's runs: "llm.costs", "stripe.subscriptions", ... */
  kind?: string;
  /** What started the runs: "schedule", "manual", "replay", ... */
  trigger?: DB["runs"]["trigger"];
  /** Runs started at or after this instant. (Default: no lower bound) */
  from?: Date;
  /** Runs started before this instant. (Default: no upper bound) */
  to?: Date;
  /** The keyset of the previous page's last run: [started_at to the microsecond, id]. (Default: the first page) */
  after?: Keyset | null;
  /** Runs per page. (Default: 50) */
  limit?: number;
}

/**
 * Every execution of every task, newest first. A sync run names its target's connection (S1);
 * a business job's run has no target.
 */
function runsWithSubjects(db: Executor) {
  return db
    .selectFrom("runs")
    .leftJoin("sync_targets as target", "target.id", "runs.target_id")
    .leftJoin("connections", (join) =>
      join.onRef("connections.id", "=", "target.subject_id").on("target.kind", "=", "llm.costs"),
    )
    .leftJoin("tenants", "tenants.id", "connections.tenant_id")
    .selectAll("runs")
    .select([
      "runs.target_id as connection_id",
      "connections.name as connection_name",
      "connections.provider",
      "tenants.name as tenant_name",
    ]);
}

/** Tasks that only keep the scheduler going; their runs would crowd the history. */
export const SCHEDULER_TICKS = ["schedules.tick", "sync.tick"] as const;

/**
 * One page of the run history, newest first (started_at, then id). The scheduler's tasks are
 * inlined as literals, not parameters, so the planner can match the partial indexes of migration
 * 0021 that name them.
 */
export async function listRuns(db: Executor, filter: RunFilter = {}): Promise<KeysetPage<RunView>> {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  const ticks = sql.join(SCHEDULER_TICKS.map((task) => sql.lit(task)));
  let query = runsWithSubjects(db)
    .select(exactTime(sql`runs.started_at`).as("keyset_started_at"))
    .orderBy("runs.started_at", "desc")
    .orderBy("runs.id", "desc")
    .limit(limit + 1);
  if (filter.after) {
    const [startedAt, id] = filter.after;
    query = query.where(
      sql<boolean>`(runs.started_at, runs.id) < (${startedAt}::timestamptz, ${id}::bigint)`,
    );
  }
  if (filter.connectionId) query = query.where("runs.target_id", "=", filter.connectionId);
  if (filter.task) query = query.where("runs.task", "=", filter.task);
  switch (filter.scope ?? "work") {
    case "work":
      query = query.where(sql<boolean>`runs.task not in (${ticks})`);
      break;
    case "syncs":
      query = query.where("runs.target_id", "is not", null);
      break;
    case "jobs":
      query = query.where("runs.target_id", "is", null).where(sql<boolean>`runs.task not in (${ticks})`);
      break;
    case "ticks":
      query = query.where(sql<boolean>`runs.task in (${ticks})`);
      break;
  }
  if (filter.status) query = query.where("runs.status", "=", filter.status);
  if (filter.kind) query = query.where("runs.kind", "=", filter.kind);
  if (filter.trigger) query = query.where("runs.trigger", "=", filter.trigger);
  if (filter.from) query = query.where("runs.started_at", ">=", filter.from);
  if (filter.to) query = query.where("runs.started_at", "<", filter.to);
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.keyset_started_at, row.id],
    ({ keyset_started_at: _, ...run }) => run,
  );
}

export type RunView = NonNullable<Awaited<ReturnType<typeof findRun>>>;

export function findRun(db: Executor, id: string) {
  return runsWithSubjects(db).where("runs.id", "=", id).executeTakeFirst();
}

/** Progress while a run pages through the provider, so the admin can show it live. */
export async function recordRunProgress(
  db: Executor,
  runId: string,
  page: { fetched: number; inserted: number; updated: number },
): Promise<void> {
  await db
    .updateTable("runs")
    .set((eb) => ({
      pages: eb("pages", "+", 1),
      rows_fetched: eb("rows_fetched", "+", page.fetched),
      rows_inserted: eb("rows_inserted", "+", page.inserted),
      rows_updated: eb("rows_updated", "+", page.updated),
    }))
    .where("id", "=", runId)
    .execute();
}

/**
 * Adds a sentence to the run's notice (what the sync could not ask its provider for), after any it
 * already has.
 */
export async function recordRunNotice(db: Executor, runId: string, notice: string): Promise<void> {
  await db
    .updateTable("runs")
    .set({ notice: sql`coalesce(notice || E'\n', '') || ${notice}` })
    .where("id", "=", runId)
    .execute();
}

export async function finishRun(
  db: Executor,
  runId: string,
  outcome:
    | { status: "succeeded" }
    | { status: "failed"; error: string; errorClass: "transient" | "permanent" }
    | { status: "deferred"; until: Date; reason: string },
): Promise<void> {
  await db
    .updateTable("runs")
    .set({
      status: outcome.status,
      finished_at: sql`now()`,
      duration_ms: sql`(extract(epoch from now() - started_at) * 1000)::integer`,
      error:
        outcome.status === "failed" ? outcome.error : outcome.status === "deferred" ? outcome.reason : null,
      error_class: outcome.status === "failed" ? outcome.errorClass : null,
      deferred_until: outcome.status === "deferred" ? outcome.until : null,
    })
    .where("id", "=", runId)
    // Finished once: a run the reaper already marked failed (its worker went silent) is counted
    // as such, even if the stalled worker wakes up and finishes it.
    .where("status", "=", "running")
    .execute();
}

/** A replay's run names the dead letter it replays. */
export async function linkRunToDeadLetter(db: Executor, runId: string, deadLetterId: number): Promise<void> {
  await db
    .updateTable("runs")
    .set({ dead_letter_id: String(deadLetterId) })
    .where("id", "=", runId)
    .execute();
}

/** The most HTTP calls kept per run; the rest are only counted (runs.http_calls_dropped). */
export const MAX_HTTP_CALLS_PER_RUN = 100;

/** One HTTP attempt of a run, as connectors report it (no query values, headers or bodies). */
export interface RunHttpCall {
  method: string;
  host: string;
  path: string;
  /** null when no response came (network error, timeout). */
  status: number | null;
  durationMs: number;
  attempt: number;
  error: string | null;
  startedAt: Date;
}

/**
 * Saves a run's HTTP calls in one insert, once the run is over: the first
 * MAX_HTTP_CALLS_PER_RUN of them, the others (and `dropped` ones never kept) counted on the run.
 */
export async function recordRunHttpCalls(
  db: Executor,
  runId: string,
  calls: readonly RunHttpCall[],
  dropped = 0,
): Promise<void> {
  const kept = calls.slice(0, MAX_HTTP_CALLS_PER_RUN);
  const extra = dropped + calls.length - kept.length;
  if (kept.length > 0) {
    await db
      .insertInto("run_http_calls")
      .values(
        kept.map((call, index) => ({
          run_id: runId,
          seq: index + 1,
          method: call.method.slice(0, 16),
          host: call.host.slice(0, 255),
          path: call.path.slice(0, 2000),
          status: call.status,
          duration_ms: Math.max(0, Math.round(call.durationMs)),
          attempt: call.attempt,
          error: call.error?.slice(0, 500) ?? null,
          started_at: call.startedAt,
        })),
      )
      .execute();
  }
  if (extra > 0) {
    await db
      .updateTable("runs")
      .set((eb) => ({ http_calls_dropped: eb("http_calls_dropped", "+", extra) }))
      .where("id", "=", runId)
      .execute();
  }
}

/** A run's HTTP calls in the order they started, and how many were not kept; null for an unknown run. */
export async function listRunHttpCalls(
  db: Executor,
  runId: string,
): Promise<{ items: RunHttpCall[]; dropped: number } | null> {
  const run = await db
    .selectFrom("runs")
    .select("http_calls_dropped")
    .where("id", "=", runId)
    .executeTakeFirst();
  if (!run) return null;
  const rows = await db
    .selectFrom("run_http_calls")
    .select(["method", "host", "path", "status", "duration_ms", "attempt", "error", "started_at"])
    .where("run_id", "=", runId)
    .orderBy("started_at")
    .orderBy("seq")
    .execute();
  return {
    items: rows.map((row) => ({
      method: row.method,
      host: row.host,
      path: row.path,
      status: row.status,
      durationMs: row.duration_ms,
      attempt: row.attempt,
      error: row.error,
      startedAt: row.started_at,
    })),
    dropped: run.http_calls_dropped,
  };
}

/** The values of the synchub.run_trigger domain: what may start a run. */
export const RUN_TRIGGERS = [
  "schedule",
  "manual",
  "sql",
  "created",
  "replay",
  "webhook",
  "http",
  "qstash",
] as const satisfies readonly DB["runs"]["trigger"][];

/**
 * The task names and target kinds the run history can be filtered by, from bounded sources: the
 * all-time totals (one row per task, kind, pool, status and duration bucket), the runs started
 * since an hour before the last roll-up (not counted yet, or still running; a range of
 * runs_started_id_idx) and the schedules, never a distinct over every run.
 */
export async function runFilterOptions(db: Executor): Promise<{ tasks: string[]; kinds: string[] }> {
  const { rows } = await sql<{ tasks: string[]; kinds: string[] }>`
    with recent as (
      select task, kind from synchub.runs
      where started_at >= (select rolled_up_until from synchub.run_rollup_state) - interval '1 hour'
    ), named as (
      select task, nullif(kind, '') as kind from synchub.run_totals
      union select task, kind from recent
      union select task, null from synchub.schedules
    )
    select array(select distinct task from named order by 1) as tasks,
      array(select distinct kind from named where kind is not null order by 1) as kinds`.execute(db);
  return { tasks: rows[0]?.tasks ?? [], kinds: rows[0]?.kinds ?? [] };
}
