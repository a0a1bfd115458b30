import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** What started a business job's run (a subset of runs.trigger). */
export type JobRunTrigger = "schedule" | "http" | "manual" | "qstash" | "sql" | "replay";

/** Opens a run row for a business job; the ledger rows it writes point at it. */
export async function startJobRun(
  db: Executor,
  task: string,
  trigger: JobRunTrigger,
  /** jobId: the graphile job the run's first attempt ran as, which a schedule's ledger records. */
  options: { attempt?: number; deadLetterId?: number | null; jobId?: string | null } = {},
): Promise<string> {
  const row = await db
    .insertInto("runs")
    .values({
      task,
      trigger,
      attempt: options.attempt ?? 1,
      job_id: options.jobId ?? null,
      dead_letter_id:
        options.deadLetterId === undefined || options.deadLetterId === null
          ? null
          : String(options.deadLetterId),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/** Closes a run row with its outcome; the duration is measured by the database clock. */
export async function finishJobRun(
  db: Executor,
  id: string,
  outcome: {
    status: "succeeded" | "failed";
    results?: Record<string, unknown>;
    error?: string;
    errorClass?: "transient" | "permanent";
  },
): Promise<void> {
  await db
    .updateTable("runs")
    .set({
      status: outcome.status,
      finished_at: sql`clock_timestamp()`,
      duration_ms: sql`(extract(epoch from clock_timestamp() - started_at) * 1000)::integer`,
      results: outcome.results ? JSON.stringify(outcome.results) : null,
      error: outcome.error ?? null,
      error_class: outcome.errorClass ?? null,
    })
    .where("id", "=", id)
    .execute();
}

export interface GrantCounts {
  /** Users with an active subscription. */
  processed: number;
  /** Users granted by this call. */
  successful: number;
  /** Users already granted this period (by an earlier or concurrent run). */
  skipped: number;
}

/**
 * Grants every user with an active subscription the sum of their subscriptions' monthly credits
 * for `period` ('YYYY-MM'), in one statement: the batch insert, its ledger rows and the balance
 * upserts commit together. The partial unique index on (user_ref, source, grant_period) makes a
 * user's grant happen at most once per period: a concurrent run waits on the key, then inserts
 * nothing and touches no balance, so it reports that user as skipped.
 */
export async function grantMonthlyCredits(
  db: Executor,
  input: { period: string; expiresAt: Date; runId: string | null },
): Promise<GrantCounts> {
  const { rows } = await sql<{ processed: number; successful: number }>`
    with active as (
      select user_ref, sum(monthly_credits)::integer as credits
      from synchub.subscriptions
      where status = 'active'
      group by user_ref
    ), inserted as (
      insert into synchub.credit_batches (user_ref, amount, remaining, source, grant_period, expires_at)
      select user_ref, credits, credits, 'grant', ${input.period}, ${input.expiresAt.toISOString()}::timestamptz
      from active
      on conflict (user_ref, source, grant_period) where source = 'grant' do nothing
      returning id, user_ref, amount
    ), ledger as (
      insert into synchub.credit_ledger (user_ref, batch_id, delta, reason, run_id)
      select user_ref, id, amount, 'grant', ${input.runId}::bigint from inserted
    ), balances as (
      insert into synchub.credit_balances as b (user_ref, balance)
      select user_ref, amount from inserted
      on conflict (user_ref) do update set balance = b.balance + excluded.balance, updated_at = now()
    )
    select (select count(*) from active)::integer as processed,
           (select count(*) from inserted)::integer as successful`.execute(db);
  const { processed, successful } = rows[0] ?? { processed: 0, successful: 0 };
  return { processed, successful, skipped: processed - successful };
}

export interface ExpireCounts {
  processedBatches: number;
  processedUsers: number;
  totalExpiredAmount: number;
}

/**
 * Expires every batch with credits left whose expiry has passed, in one statement: remaining
 * goes to 0, a ledger row records what was taken, and each balance drops by its users' total.
 * The batches are locked first; a concurrent run re-checks `remaining > 0` after the lock and
 * finds nothing left to expire.
 */
export async function expireCreditBatches(
  db: Executor,
  input: { now: Date; runId: string | null },
): Promise<ExpireCounts> {
  const { rows } = await sql<ExpireCounts>`
    with due as (
      select id, remaining
      from synchub.credit_batches
      where remaining > 0 and expires_at <= ${input.now.toISOString()}::timestamptz
      for update
    ), expired as (
      update synchub.credit_batches b
      set remaining = 0
      from due
      where b.id = due.id
      returning b.id, b.user_ref, due.remaining as amount
    ), ledger as (
      insert into synchub.credit_ledger (user_ref, batch_id, delta, reason, run_id)
      select user_ref, id, -amount, 'expire', ${input.runId}::bigint from expired
    ), per_user as (
      select user_ref, sum(amount)::bigint as amount from expired group by user_ref
    ), balances as (
      insert into synchub.credit_balances as b (user_ref, balance)
      select user_ref, -amount from per_user
      on conflict (user_ref) do update set balance = b.balance + excluded.balance, updated_at = now()
    )
    select count(*)::integer as "processedBatches",
           count(distinct user_ref)::integer as "processedUsers",
           coalesce(sum(amount), 0)::integer as "totalExpiredAmount"
    from expired`.execute(db);
  return rows[0] ?? { processedBatches: 0, processedUsers: 0, totalExpiredAmount: 0 };
}

export function listCreditBalances(db: Executor) {
  return db.selectFrom("credit_balances").selectAll().orderBy("user_ref").execute();
}

/** A schedule an external scheduler may run over HTTP, by its name; undefined when not allowed. */
export function findExternallyTriggerableSchedule(db: Executor, name: string) {
  return db
    .selectFrom("schedules")
    .select(["id", "name", "task", "payload"])
    .where("name", "=", name)
    .where("externally_triggerable", "=", true)
    .executeTakeFirst();
}

/** Tasks whose runs are the credits history. */
export const creditTasks = ["credits.grant", "credits.expire"] as const;

export interface CreditRun {
  id: string;
  task: string;
  trigger: DB["runs"]["trigger"];
  status: "running" | "succeeded" | "failed" | "deferred";
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  /** The S4 counts: grant {processed, successful, skipped, failed}; expire {processedBatches, ...}. */
  results: Record<string, number> | null;
  error: string | null;
}

/** Grant and expiry runs, newest first. (Default limit: 100) */
export async function listCreditRuns(
  db: Executor,
  input: { task?: (typeof creditTasks)[number]; limit?: number } = {},
): Promise<CreditRun[]> {
  const rows = await db
    .selectFrom("runs")
    .select([
      "id",
      "task",
      "trigger",
      "status",
      "started_at",
      "finished_at",
      "duration_ms",
      "results",
      "error",
    ])
    .where("task", "in", input.task ? [input.task] : [...creditTasks])
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(input.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    ...row,
    id: String(row.id),
    results: row.results as Record<string, number> | null,
  }));
}

export interface CreditBalanceSummary {
  /** Users with a balance row. */
  users: number;
  totalBalance: number;
  /** Credits granted and expired over the last 30 days, from the ledger. */
  granted30d: number;
  expired30d: number;
  /** Highest balances first, with the plans of the user's active subscriptions. */
  top: { user_ref: string; balance: number; plans: string[]; updated_at: Date }[];
}

/** Balance totals and the users holding the most credits. (Default limit: 20) */
export async function summarizeCreditBalances(db: Executor, limit = 20): Promise<CreditBalanceSummary> {
  const { rows: totals } = await sql<{ users: number; total: string; granted: string; expired: string }>`
    select (select count(*) from synchub.credit_balances)::integer as users,
           (select coalesce(sum(balance), 0) from synchub.credit_balances)::text as total,
           coalesce(sum(delta) filter (where reason = 'grant'), 0)::text as granted,
           coalesce(-sum(delta) filter (where reason = 'expire'), 0)::text as expired
    from synchub.credit_ledger
    where at > now() - interval '30 days'`.execute(db);
  const { rows: top } = await sql<{ user_ref: string; balance: string; plans: string[]; updated_at: Date }>`
    select b.user_ref, b.balance::text, b.updated_at,
           coalesce(array(
             select distinct s.plan from synchub.subscriptions s
             where s.user_ref = b.user_ref and s.status = 'active' order by s.plan
           ), '{}') as plans
    from synchub.credit_balances b
    order by b.balance desc, b.user_ref
    limit ${limit}`.execute(db);
  const summary = totals[0];
  return {
    users: summary?.users ?? 0,
    totalBalance: Number(summary?.total ?? 0),
    granted30d: Number(summary?.granted ?? 0),
    expired30d: Number(summary?.expired ?? 0),
    top: top.map((row) => ({ ...row, balance: Number(row.balance) })),
  };
}
