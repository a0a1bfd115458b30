import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

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

export function listRateLimits(db: Executor) {
  return db.selectFrom("rate_limits").selectAll().orderBy("key").execute();
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
