import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DB } from "./generated.ts";

export type Database = Kysely<DB>;

// `date` columns are calendar days, not instants: keep them as "YYYY-MM-DD" instead of letting
// pg turn them into a Date at local midnight (which shifts the day in zones west of UTC).
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export interface CreateDbOptions {
  connectionString: string;
  /** Most connections the pool opens. (Default: 10) */
  maxConnections?: number;
  /** Shows in pg_stat_activity, so an operator can tell the worker from the server. (Default: "synchub") */
  applicationName?: string;
  /** How long to wait for a connection before failing; 0 waits forever. (Default: 0) */
  connectTimeoutMs?: number;
}

export function createPool(options: CreateDbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? "synchub",
    // pg also counts the wait for a free pooled client against this, so only request handlers
    // (which answer 503 rather than hang on an unreachable host) set it; workers wait their turn.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 0,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

const pools = new WeakMap<Database, pg.Pool>();

/** A Kysely instance over synchub's schema. Pass a pool to share it with graphile-worker. */
export function createDb(poolOrOptions: pg.Pool | CreateDbOptions): Database {
  const pool = poolOrOptions instanceof pg.Pool ? poolOrOptions : createPool(poolOrOptions);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }).withSchema("synchub");
  pools.set(db, pool);
  return db;
}

/**
 * Runs a statement the database prepares once per connection (pg's named statements), for the
 * few that every job runs: Kysely sends each query to be parsed and planned again. `name` must
 * be unique per statement text.
 */
export async function queryPrepared<Row extends pg.QueryResultRow>(
  db: Database,
  statement: { name: string; text: string },
  values: unknown[],
): Promise<Row[]> {
  const pool = pools.get(db);
  if (!pool) throw new Error("queryPrepared needs a Database made by createDb");
  return (await pool.query<Row>({ ...statement, values })).rows;
}
