import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface CostRowInput {
  day: string;
  lineItem: string;
  amount: string;
  currency: string;
}

/**
 * Saves one page of cost lines in a single statement. Rows whose amount and currency did not
 * change are left alone, so re-running a sync writes nothing and counts nothing.
 * `xmax = 0` tells a fresh insert from an update of an existing row.
 */
export async function upsertCostRows(
  db: Executor,
  connectionId: string,
  rows: CostRowInput[],
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const written = await db
    .insertInto("cost_rows")
    .values(
      dedupeByKey(rows).map((row) => ({
        connection_id: connectionId,
        day: row.day,
        line_item: row.lineItem,
        amount: row.amount,
        currency: row.currency,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(["connection_id", "day", "line_item"])
        .doUpdateSet((eb) => ({
          amount: eb.ref("excluded.amount"),
          currency: eb.ref("excluded.currency"),
          updated_at: sql`now()`,
        }))
        .where((eb) =>
          eb.or([
            eb("cost_rows.amount", "is distinct from", eb.ref("excluded.amount")),
            eb("cost_rows.currency", "is distinct from", eb.ref("excluded.currency")),
          ]),
        ),
    )
    .returning(sql<boolean>`xmax = 0`.as("inserted"))
    .execute();
  const inserted = written.filter((row) => row.inserted).length;
  return { inserted, updated: written.length - inserted };
}

/** Postgres rejects one statement touching the same row twice; the last value of a key wins. */
function dedupeByKey(rows: CostRowInput[]): CostRowInput[] {
  const byKey = new Map<string, CostRowInput>();
  for (const row of rows) byKey.set(`${row.day}\u0000${row.lineItem}`, row);
  return [...byKey.values()];
}

export function listCostRows(db: Executor, connectionId: string) {
  return db
    .selectFrom("cost_rows")
    .select(["day", "line_item", "amount", "currency"])
    .where("connection_id", "=", connectionId)
    .orderBy("day")
    .orderBy("line_item")
    .execute();
}

export interface DailyCost {
  /** The day the provider billed, YYYY-MM-DD. */
  date: string;
  currency: string;
  /** Sum of the day's lines, as exact decimal text. */
  totalCost: string;
  /** Cost lines that day. */
  rows: number;
}

/**
 * A connection's cost per day (and currency) over its last `days` days, oldest first: the chart on
 * its page. A range of its primary key (connection_id, day, line_item), so it reads only those days.
 */
export async function dailyCosts(db: Executor, connectionId: string, days: number): Promise<DailyCost[]> {
  const { rows } = await sql<{ date: string; currency: string; total_cost: string; rows: number }>`
    select day::text as date, currency, sum(amount)::text as total_cost, count(*)::int as rows
    from synchub.cost_rows
    where connection_id = ${connectionId}::uuid and day > current_date - ${days}::int
    group by day, currency
    order by day, currency`.execute(db);
  return rows.map((row) => ({
    date: row.date,
    currency: row.currency,
    totalCost: row.total_cost,
    rows: row.rows,
  }));
}
