/**
 * S5 quotas. Every counter change is one statement on the account row: the limit check sits in
 * the update's WHERE clause, so Postgres re-checks it after taking the row lock and racing
 * callers can never push a counter past its plan's limit.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { jobCountsSql } from "./jobs.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export const quotaMetrics = ["uploads", "aiRequests", "storageBytes"] as const;
export type QuotaMetric = (typeof quotaMetrics)[number];

export interface QuotaItem {
  metric: QuotaMetric;
  amount: number;
}

export interface QuotaUsage {
  metric: QuotaMetric;
  used: number;
  limit: number;
  remaining: number;
}

export type ConsumeResult =
  | { ok: true; userRef: string; usage: QuotaUsage[] }
  | {
      ok: false;
      reason: "over_limit";
      userRef: string;
      /** Metrics the request would have pushed past their limit. */
      overLimit: QuotaMetric[];
      /** Usage as it stands; nothing was consumed. */
      usage: (QuotaUsage & { requested: number })[];
    }
  | { ok: false; reason: "unknown_user"; userRef: string };

interface AccountRow {
  user_ref: string;
  uploads_used_today: number;
  ai_requests_used_month: number;
  storage_bytes_used: string | number;
  daily_uploads: number;
  monthly_ai_requests: number;
  storage_bytes: string | number;
}

/** Consumes `amount` of one metric if it fits under the plan's limit; otherwise nothing changes. */
export function consumeQuota(
  db: Executor,
  input: { userRef: string; metric: QuotaMetric; amount: number },
): Promise<ConsumeResult> {
  return consumeQuotaBatch(db, {
    userRef: input.userRef,
    items: [{ metric: input.metric, amount: input.amount }],
  });
}

/**
 * Consumes several metrics all-or-nothing. All counters live on one row, so this is a single
 * UPDATE whose WHERE clause checks every limit: either every counter moves or none does. Alerts
 * for the counters that moved are inserted by the same statement, at most once per
 * (metric, level, period) thanks to a unique index.
 */
export async function consumeQuotaBatch(
  db: Executor,
  input: { userRef: string; items: readonly QuotaItem[] },
): Promise<ConsumeResult> {
  const amounts = sumByMetric(input.items);
  const touched = quotaMetrics.filter((metric) => amounts[metric] > 0);
  const { rows } = await sql<AccountRow>`
    with consumed as (
      update synchub.quota_accounts q
      set uploads_used_today = q.uploads_used_today + ${amounts.uploads}::bigint,
          ai_requests_used_month = q.ai_requests_used_month + ${amounts.aiRequests}::bigint,
          storage_bytes_used = q.storage_bytes_used + ${amounts.storageBytes}::bigint,
          alert_level = ${alertLevel(
            sql`q.uploads_used_today + ${amounts.uploads}::bigint`,
            sql`q.ai_requests_used_month + ${amounts.aiRequests}::bigint`,
            sql`q.storage_bytes_used + ${amounts.storageBytes}::bigint`,
          )},
          updated_at = now()
      from synchub.plans p
      where p.id = q.plan_id
        and q.user_ref = ${input.userRef}
        and q.uploads_used_today + ${amounts.uploads}::bigint <= p.daily_uploads
        and q.ai_requests_used_month + ${amounts.aiRequests}::bigint <= p.monthly_ai_requests
        and q.storage_bytes_used + ${amounts.storageBytes}::bigint <= p.storage_bytes
      returning q.user_ref, q.uploads_used_today, q.ai_requests_used_month, q.storage_bytes_used,
        q.day_started, q.month_started, q.storage_started,
        p.daily_uploads, p.monthly_ai_requests, p.storage_bytes
    ), alerts as (
      insert into synchub.quota_alerts (user_ref, metric, level, used, "limit", period_start)
      select c.user_ref, m.metric, l.level, m.used, m.lim, m.period
      from consumed c
      cross join lateral (values
        ('uploads', c.uploads_used_today::bigint, c.daily_uploads::bigint, c.day_started),
        ('aiRequests', c.ai_requests_used_month::bigint, c.monthly_ai_requests::bigint, c.month_started),
        ('storageBytes', c.storage_bytes_used, c.storage_bytes, c.storage_started)
      ) m(metric, used, lim, period)
      cross join lateral (values ('warning', m.used * 5 >= m.lim * 4), ('critical', m.used >= m.lim)) l(level, hit)
      where l.hit and m.lim > 0 and m.metric = any(${touched}::text[])
      on conflict (user_ref, metric, level, period_start) do nothing
    )
    select user_ref, uploads_used_today, ai_requests_used_month, storage_bytes_used,
      daily_uploads, monthly_ai_requests, storage_bytes
    from consumed`.execute(db);

  const row = rows[0];
  if (row) return { ok: true, userRef: input.userRef, usage: usageOf(row) };

  // Nothing moved: tell an unknown user from a request over the limit. This read is only for
  // the answer; the decision was made atomically above.
  const current = await readAccount(db, input.userRef);
  if (!current) return { ok: false, reason: "unknown_user", userRef: input.userRef };
  const usage = usageOf(current).map((u) => ({ ...u, requested: amounts[u.metric] }));
  return {
    ok: false,
    reason: "over_limit",
    userRef: input.userRef,
    overLimit: usage.filter((u) => u.requested > 0 && u.used + u.requested > u.limit).map((u) => u.metric),
    usage,
  };
}

export interface QuotaStatus {
  userRef: string;
  planId: string;
  alertLevel: "warning" | "critical" | null;
  dayStarted: string;
  monthStarted: string;
  subscription: {
    id: string | null;
    customerId: string | null;
    /** One of Stripe's eight documented statuses, or "unknown" (see `rawStatus`). */
    status: string | null;
    /** The status exactly as Stripe sent it. */
    rawStatus: string | null;
    currentPeriodEnd: Date | null;
    syncedAt: Date | null;
  };
  usage: QuotaUsage[];
}

/** One account's usage against its plan; undefined for an unknown user. */
export async function getQuotaStatus(db: Executor, userRef: string): Promise<QuotaStatus | undefined> {
  const row = await db
    .selectFrom("quota_accounts as q")
    .innerJoin("plans as p", "p.id", "q.plan_id")
    .select([
      "q.user_ref",
      "q.plan_id",
      "q.alert_level",
      "q.uploads_used_today",
      "q.ai_requests_used_month",
      "q.storage_bytes_used",
      sql<string>`q.day_started::text`.as("day_started"),
      sql<string>`q.month_started::text`.as("month_started"),
      "q.stripe_subscription_id",
      "q.stripe_customer_id",
      "q.subscription_status",
      "q.subscription_status_raw",
      "q.subscription_period_end",
      "q.subscription_synced_at",
      "p.daily_uploads",
      "p.monthly_ai_requests",
      "p.storage_bytes",
    ])
    .where("q.user_ref", "=", userRef)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    userRef: row.user_ref,
    planId: row.plan_id,
    alertLevel: row.alert_level,
    dayStarted: row.day_started,
    monthStarted: row.month_started,
    subscription: {
      id: row.stripe_subscription_id,
      customerId: row.stripe_customer_id,
      status: row.subscription_status,
      rawStatus: row.subscription_status_raw,
      currentPeriodEnd: toDate(row.subscription_period_end),
      syncedAt: toDate(row.subscription_synced_at),
    },
    usage: usageOf(row),
  };
}

/** Opens (or moves to another plan) a user's quota account; counters are kept. */
export async function upsertQuotaAccount(db: Executor, input: { userRef: string; planId: string }) {
  await db
    .insertInto("quota_accounts")
    .values({ user_ref: input.userRef, plan_id: input.planId })
    .onConflict((oc) => oc.column("user_ref").doUpdateSet({ plan_id: input.planId, updated_at: sql`now()` }))
    .execute();
}

/**
 * Starts a new UTC day for every account whose day started earlier: upload counters go to 0.
 * Idempotent: a second run on the same day matches no rows. Returns the accounts reset.
 */
export async function resetDailyQuotas(db: Executor, now: Date = new Date()): Promise<number> {
  const result = await sql`
    update synchub.quota_accounts q
    set uploads_used_today = 0,
        day_started = (${now.toISOString()}::timestamptz at time zone 'UTC')::date,
        alert_level = ${alertLevel(sql`0`, sql`q.ai_requests_used_month`, sql`q.storage_bytes_used`)},
        updated_at = now()
    from synchub.plans p
    where p.id = q.plan_id
      and q.day_started < (${now.toISOString()}::timestamptz at time zone 'UTC')::date`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Starts a new UTC month for every account whose month started earlier: AI request counters go to 0. */
export async function resetMonthlyQuotas(db: Executor, now: Date = new Date()): Promise<number> {
  const month = sql`date_trunc('month', ${now.toISOString()}::timestamptz at time zone 'UTC')::date`;
  const result = await sql`
    update synchub.quota_accounts q
    set ai_requests_used_month = 0,
        month_started = ${month},
        alert_level = ${alertLevel(sql`q.uploads_used_today`, sql`0`, sql`q.storage_bytes_used`)},
        updated_at = now()
    from synchub.plans p
    where p.id = q.plan_id and q.month_started < ${month}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Manual reset: every counter of one user (or of everyone) goes to 0. Periods move to today and
 * this month, so a second crossing in the same calendar period does not alert again.
 */
export async function resetQuotaUser(
  db: Executor,
  userRef: string,
  now: Date = new Date(),
): Promise<boolean> {
  return (await resetAccounts(db, now, userRef)) > 0;
}

export function resetAllQuotas(db: Executor, now: Date = new Date()): Promise<number> {
  return resetAccounts(db, now, null);
}

async function resetAccounts(db: Executor, now: Date, userRef: string | null): Promise<number> {
  const at = now.toISOString();
  const result = await sql`
    update synchub.quota_accounts
    set uploads_used_today = 0,
        ai_requests_used_month = 0,
        storage_bytes_used = 0,
        day_started = (${at}::timestamptz at time zone 'UTC')::date,
        month_started = date_trunc('month', ${at}::timestamptz at time zone 'UTC')::date,
        storage_started = (${at}::timestamptz at time zone 'UTC')::date,
        alert_level = null,
        updated_at = now()
    where ${userRef}::text is null or user_ref = ${userRef}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export function listQuotaAlerts(db: Executor, userRef: string) {
  return db.selectFrom("quota_alerts").selectAll().where("user_ref", "=", userRef).orderBy("id").execute();
}

export interface SubscriptionState {
  id: string;
  customer: string;
  /** "unknown" for a status outside the eight Stripe documents; `rawStatus` keeps what it sent. */
  status: NonNullable<DB["quota_accounts"]["subscription_status"]>;
  rawStatus: string;
  currentPeriodEnd: Date | null;
  userRef: string;
}

/**
 * Copies subscription states onto the quota accounts they name, in one statement. A user with
 * several subscriptions gets the one that matters most (active before trialing before past_due
 * ..., then the latest period end). Returns how many accounts matched.
 */
export async function applySubscriptionStates(
  db: Executor,
  states: readonly SubscriptionState[],
): Promise<{ matched: number; unmatched: number }> {
  const best = new Map<string, SubscriptionState>();
  for (const state of states) {
    const current = best.get(state.userRef);
    if (!current || compareSubscriptions(state, current) < 0) best.set(state.userRef, state);
  }
  const chosen = [...best.values()];
  if (chosen.length === 0) return { matched: 0, unmatched: 0 };
  const result = await sql`
    update synchub.quota_accounts q
    set stripe_subscription_id = s.id,
        stripe_customer_id = s.customer,
        subscription_status = s.status,
        subscription_status_raw = s.raw_status,
        subscription_period_end = s.period_end,
        subscription_synced_at = now(),
        updated_at = now()
    from unnest(
      ${chosen.map((s) => s.userRef)}::text[],
      ${chosen.map((s) => s.id)}::text[],
      ${chosen.map((s) => s.customer)}::text[],
      ${chosen.map((s) => s.status)}::text[],
      ${chosen.map((s) => s.rawStatus)}::text[],
      ${chosen.map((s) => s.currentPeriodEnd?.toISOString() ?? null)}::timestamptz[]
    ) as s(user_ref, id, customer, status, raw_status, period_end)
    where q.user_ref = s.user_ref`.execute(db);
  const matched = Number(result.numAffectedRows ?? 0);
  return { matched, unmatched: chosen.length - matched };
}

const statusRank: Record<SubscriptionState["status"], number> = {
  active: 0,
  trialing: 1,
  past_due: 2,
  unpaid: 3,
  paused: 4,
  incomplete: 5,
  canceled: 6,
  incomplete_expired: 7,
  // Whatever a new status means, a known one says more about the user's access.
  unknown: 8,
};

function compareSubscriptions(a: SubscriptionState, b: SubscriptionState): number {
  const byStatus = statusRank[a.status] - statusRank[b.status];
  if (byStatus !== 0) return byStatus;
  return (b.currentPeriodEnd?.getTime() ?? 0) - (a.currentPeriodEnd?.getTime() ?? 0);
}

export interface QueueStatistics {
  task: string;
  /** Due now and not locked. */
  waiting: number;
  /** Locked by a worker that is running it. */
  active: number;
  /** Finished successfully in the last 24 hours, from synchub.runs. */
  completed: number;
  /** Out of attempts: graphile-worker keeps them in the queue until someone deletes them. */
  failed: number;
  /** Scheduled for later: a future run_at, including retries waiting out their backoff. */
  delayed: number;
}

/**
 * Per-task queue counts. graphile-worker deletes a job once it succeeds, so "completed" comes
 * from our own run rows (synchub.runs, one per execution of any task) over the last
 * 24 hours; everything else is read from graphile_worker's job table.
 */
export async function queueStatistics(db: Executor): Promise<QueueStatistics[]> {
  const { rows } = await sql<QueueStatistics>`
    with queued as (
      -- The states of the console's job list (jobStateSql): one definition of each.
      select task, waiting, locked as active, failed, delayed
      from (${jobCountsSql}) counts
    ), completed as (
      -- From the hourly rollups (the hours that began in the last 24 h) plus the runs finished
      -- since the last roll-up: the cost of a day's worth of rollup rows, not of a day of runs.
      select task, sum(n)::integer as completed from (
        select task, runs as n from synchub.run_rollups
        where status = 'succeeded' and hour > now() - interval '24 hours'
        union all
        select task, 1 from synchub.runs
        where status = 'succeeded' and finished_at > now() - interval '24 hours'
          and finished_at >= (select rolled_up_until from synchub.run_rollup_state)
      ) counted
      group by task
    )
    select coalesce(q.task, c.task) as task,
      coalesce(q.waiting, 0) as waiting,
      coalesce(q.active, 0) as active,
      coalesce(c.completed, 0) as completed,
      coalesce(q.failed, 0) as failed,
      coalesce(q.delayed, 0) as delayed
    from queued q
    full join completed c on c.task = q.task
    order by 1`.execute(db);
  return rows;
}

export interface NearLimitRow {
  userRef: string;
  planId: string;
  planName: string;
  metric: QuotaMetric;
  used: number;
  limit: number;
  /** used / limit × 100, rounded to one decimal. */
  percent: number;
}

/**
 * Every (user, metric) whose usage is at or above `thresholdPercent` of the plan's limit, highest
 * percentage first, in one statement over all accounts. Metrics with a zero limit are left out.
 */
export async function listNearQuotaLimit(
  db: Executor,
  options: { thresholdPercent?: number; limit?: number } = {},
): Promise<NearLimitRow[]> {
  const threshold = options.thresholdPercent ?? 80;
  const limit = options.limit ?? 100;
  const { rows } = await sql<{
    user_ref: string;
    plan_id: string;
    plan_name: string;
    metric: QuotaMetric;
    used: string;
    lim: string;
    percent: string;
  }>`
    select q.user_ref, q.plan_id, p.name as plan_name, m.metric, m.used::text as used, m.lim::text as lim,
      round(m.used::numeric * 100 / m.lim, 1)::text as percent
    from synchub.quota_accounts q
    join synchub.plans p on p.id = q.plan_id
    cross join lateral (values
      ('uploads', q.uploads_used_today::bigint, p.daily_uploads::bigint),
      ('aiRequests', q.ai_requests_used_month::bigint, p.monthly_ai_requests::bigint),
      ('storageBytes', q.storage_bytes_used, p.storage_bytes)
    ) m(metric, used, lim)
    where m.lim > 0 and m.used::numeric * 100 >= m.lim::numeric * ${threshold}::numeric
    order by m.used::numeric / m.lim desc, q.user_ref, m.metric
    limit ${limit}`.execute(db);
  return rows.map((row) => ({
    userRef: row.user_ref,
    planId: row.plan_id,
    planName: row.plan_name,
    metric: row.metric,
    used: Number(row.used),
    limit: Number(row.lim),
    percent: Number(row.percent),
  }));
}

/**
 * The highest level any counter reaches, from the counters' new values: 'critical' at 100 %,
 * 'warning' from 80 %, null below. Used inside updates joined with `synchub.plans p`.
 */
function alertLevel(uploads: RawBuilder<unknown>, ai: RawBuilder<unknown>, storage: RawBuilder<unknown>) {
  return sql`case
    when (p.daily_uploads > 0 and ${uploads} >= p.daily_uploads)
      or (p.monthly_ai_requests > 0 and ${ai} >= p.monthly_ai_requests)
      or (p.storage_bytes > 0 and ${storage} >= p.storage_bytes) then 'critical'
    when (p.daily_uploads > 0 and (${uploads})::bigint * 5 >= p.daily_uploads::bigint * 4)
      or (p.monthly_ai_requests > 0 and (${ai})::bigint * 5 >= p.monthly_ai_requests::bigint * 4)
      or (p.storage_bytes > 0 and (${storage})::numeric * 5 >= p.storage_bytes::numeric * 4) then 'warning'
    end`;
}

async function readAccount(db: Executor, userRef: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom("quota_accounts as q")
    .innerJoin("plans as p", "p.id", "q.plan_id")
    .select([
      "q.user_ref",
      "q.uploads_used_today",
      "q.ai_requests_used_month",
      "q.storage_bytes_used",
      "p.daily_uploads",
      "p.monthly_ai_requests",
      "p.storage_bytes",
    ])
    .where("q.user_ref", "=", userRef)
    .executeTakeFirst();
}

function usageOf(row: Omit<AccountRow, "user_ref">): QuotaUsage[] {
  const used = {
    uploads: Number(row.uploads_used_today),
    aiRequests: Number(row.ai_requests_used_month),
    storageBytes: Number(row.storage_bytes_used),
  };
  const limit = {
    uploads: Number(row.daily_uploads),
    aiRequests: Number(row.monthly_ai_requests),
    storageBytes: Number(row.storage_bytes),
  };
  return quotaMetrics.map((metric) => ({
    metric,
    used: used[metric],
    limit: limit[metric],
    remaining: Math.max(0, limit[metric] - used[metric]),
  }));
}

function sumByMetric(items: readonly QuotaItem[]): Record<QuotaMetric, number> {
  const sums: Record<QuotaMetric, number> = { uploads: 0, aiRequests: 0, storageBytes: 0 };
  for (const item of items) {
    if (!Number.isSafeInteger(item.amount) || item.amount < 0) {
      throw new RangeError(`amount must be a non-negative integer, got ${item.amount}`);
    }
    sums[item.metric] += item.amount;
  }
  return sums;
}

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}
