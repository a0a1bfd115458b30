import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, type Keyset, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface PacingLimit {
  /** 'provider:openai' or 'credential:<connection id>' */
  key: string;
  minIntervalMs: number;
  hourlyCap: number;
}

/**
 * Reserves the next call slot of a key (see synchub.reserve_rate_limit). Granted: wait until
 * `slot`, then call. Not granted: `slot` is when budget returns.
 */
export async function reserveRateLimit(
  db: Executor,
  limit: PacingLimit,
  maxWaitMs: number,
): Promise<{ granted: boolean; slot: Date }> {
  const { rows } = await sql<{ granted: boolean; slot: Date }>`
    select granted, slot from synchub.reserve_rate_limit(
      ${limit.key}, ${limit.minIntervalMs}::int, ${limit.hourlyCap}::int, ${Math.round(maxWaitMs)}::int)`.execute(
    db,
  );
  return rows[0]!;
}

export async function pauseRateLimit(db: Executor, key: string, until: Date, reason: string): Promise<void> {
  await sql`select synchub.pause_rate_limit(${key}, ${until}, ${reason})`.execute(db);
}

/**
 * One page of pacing keys: the pools' keys first, then the per-credential ones (there may be one
 * per target), each by key. A credential key names its connection, looked up for the page's rows
 * only.
 */
export async function listRateLimits(
  db: Executor,
  page: {
    /** The previous page's last keyset: ["credential" or "pool", key]. (Default: the first page) */
    after?: Keyset | null;
    /** Keys per page. (Default: 50) */
    limit?: number;
  } = {},
) {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const isCredential = sql<boolean>`(rate_limits.key like 'credential:%')`;
  let query = db
    .selectFrom("rate_limits")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("connections")
          .innerJoin("tenants", "tenants.id", "connections.tenant_id")
          .select(sql<string>`tenants.name || ' / ' || connections.name`.as("name"))
          // A credential key ends with its target's id, which is its connection's for llm.costs.
          .where(
            "connections.id",
            "=",
            sql<string>`case when rate_limits.key ~ '^credential:[0-9a-f-]{36}$' then substr(rate_limits.key, 12)::uuid end`,
          )
          .as("subject"),
      (join) => join.onTrue(),
    )
    .selectAll("rate_limits")
    .select("subject.name as subject_name")
    .orderBy(isCredential)
    .orderBy("rate_limits.key")
    .limit(limit + 1);
  if (page.after) {
    const [group, key] = page.after;
    query = query.where(
      sql<boolean>`(${isCredential}, rate_limits.key) > (${group === "credential"}, ${key})`,
    );
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.key.startsWith("credential:") ? "credential" : "pool", row.key],
    (row) => row,
  );
}

/** Totals over every pacing key: the Rate limits page's summary. */
export async function rateLimitTotals(db: Executor) {
  const row = await db
    .selectFrom("rate_limits")
    .select((eb) => [
      eb.fn.countAll<string>().as("keys"),
      sql<string>`count(*) filter (where paused_until > now())`.as("paused"),
      sql<string>`coalesce(sum(deferrals), 0)`.as("deferrals"),
      sql<string>`coalesce(sum(throttled), 0)`.as("throttled"),
    ])
    .executeTakeFirstOrThrow();
  return {
    keys: Number(row.keys),
    paused: Number(row.paused),
    deferrals: Number(row.deferrals),
    throttled: Number(row.throttled),
  };
}

/**
 * The pacing keys a target's calls go through: its pool's ('provider:<pool>', the name S1's
 * provider keys have always had), and its own when configured ('credential:<target id>').
 */
export function pacingLimitsOf(target: {
  id: string;
  pool: string;
  pacing_min_interval_ms: number | null;
  pacing_hourly_cap: number | null;
  pool_min_interval_ms: number;
  pool_hourly_cap: number;
}): PacingLimit[] {
  const limits: PacingLimit[] = [
    {
      key: `provider:${target.pool}`,
      minIntervalMs: target.pool_min_interval_ms,
      hourlyCap: target.pool_hourly_cap,
    },
  ];
  if (target.pacing_min_interval_ms !== null || target.pacing_hourly_cap !== null) {
    limits.push({
      key: `credential:${target.id}`,
      minIntervalMs: target.pacing_min_interval_ms ?? 0,
      hourlyCap: target.pacing_hourly_cap ?? 1_000_000,
    });
  }
  return limits;
}

export async function updateProviderSettings(
  db: Executor,
  provider: string,
  settings: { minIntervalMs: number; hourlyCap: number; maxConcurrency: number },
): Promise<boolean> {
  const result = await db
    .updateTable("pools")
    .set({
      min_interval_ms: settings.minIntervalMs,
      hourly_cap: settings.hourlyCap,
      max_concurrency: settings.maxConcurrency,
      updated_at: sql`now()`,
    })
    .where("name", "=", provider)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function listProviderSettings(db: Executor) {
  // A pool per provider: the API calls it a provider's settings.
  return db
    .selectFrom("pools")
    .select(["name as provider", "min_interval_ms", "hourly_cap", "max_concurrency", "updated_at"])
    .orderBy("name")
    .execute();
}
