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

/** The pacing keys a connection's calls go through: its provider's, and its own when configured. */
export function pacingLimitsOf(connection: {
  id: string;
  provider: string;
  pacing_min_interval_ms: number | null;
  pacing_hourly_cap: number | null;
  provider_min_interval_ms: number | null;
  provider_hourly_cap: number | null;
}): PacingLimit[] {
  const limits: PacingLimit[] = [];
  if (connection.provider_min_interval_ms !== null && connection.provider_hourly_cap !== null) {
    limits.push({
      key: `provider:${connection.provider}`,
      minIntervalMs: connection.provider_min_interval_ms,
      hourlyCap: connection.provider_hourly_cap,
    });
  }
  if (connection.pacing_min_interval_ms !== null || connection.pacing_hourly_cap !== null) {
    limits.push({
      key: `credential:${connection.id}`,
      minIntervalMs: connection.pacing_min_interval_ms ?? 0,
      hourlyCap: connection.pacing_hourly_cap ?? 1_000_000,
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
    .updateTable("provider_settings")
    .set({
      min_interval_ms: settings.minIntervalMs,
      hourly_cap: settings.hourlyCap,
      max_concurrency: settings.maxConcurrency,
      updated_at: sql`now()`,
    })
    .where("provider", "=", provider)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function listProviderSettings(db: Executor) {
  return db.selectFrom("provider_settings").selectAll().orderBy("provider").execute();
}
