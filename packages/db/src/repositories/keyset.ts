import { type RawBuilder, sql } from "kysely";

/**
 * Where a page of a list stopped: the sort values of its last row, unique tiebreaker last, as
 * text. The next page is the rows after it in the list's order (a row-value comparison that an
 * index serves), so rows added or removed meanwhile never shift a page, as an offset would.
 */
export type Keyset = string[];

export interface KeysetPage<T> {
  items: T[];
  /** The keyset to pass as `after` for the next page; null on the last page. */
  next: Keyset | null;
}

/** Rows per page when a caller names none. */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * A timestamp to the microsecond, in UTC: a JavaScript Date keeps only milliseconds, and a
 * keyset rounded to them would skip rows that share the millisecond of a page's last row.
 */
export function exactTime(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * One page out of `limit + 1` rows fetched in the list's order: the extra row only says that a
 * next page exists. `keyOf` gives a row's keyset, `itemOf` what the caller sees of it.
 */
export function keysetPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => Keyset,
  itemOf: (row: Row) => Item,
): KeysetPage<Item> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(itemOf),
    next: rows.length > limit && last !== undefined ? keyOf(last) : null,
  };
}
