import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type OnChangeFn,
  type Row,
  type RowData,
  type SortingState,
  useReactTable,
} from "@tanstack/react-table";
import { Fragment, type ReactNode } from "react";
import { EmptyState, LoadMore } from "../ui.tsx";
import styles from "./DataTable.module.css";

declare module "@tanstack/react-table" {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
    /** Extra class on the column's cells, e.g. "nowrap" or "error-cell". */
    className?: string;
    /** On phones, where rows stack: hide this cell (it repeats what the row's title says). */
    hideWhenStacked?: boolean;
  }
}

/** What a server-paged list (tRPC's useInfiniteQuery over `{ items, nextCursor }`) gives the table. */
export interface PagedQuery {
  data?: { pages: unknown[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

export interface DataTableProps<T> {
  /** Names the table for assistive technology. */
  caption: string;
  columns: ColumnDef<T, never>[];
  rows: T[];
  getRowId: (row: T) => string;
  /** Server paging: "Load more" under the table while the server has more. */
  paging?: { query: PagedQuery; total?: number; one: string; many: string };
  /** Server sorting: the table shows and toggles it, the page puts it in the query. */
  sorting?: { state: SortingState; onChange: OnChangeFn<SortingState> };
  /** Shown instead of the table when there are no rows. */
  empty: { title: string; body?: ReactNode };
  /** A row under the row, e.g. an inline form or a detail view; null for none. */
  renderDetail?: (row: T) => ReactNode | null;
  /** An extra class on a row, e.g. "selected". */
  rowClassName?: (row: T) => string | undefined;
}

/**
 * The one table of the console, on TanStack Table. The server pages, sorts and filters: this
 * renders the loaded rows, the sort toggles and the pager. On phones the rows stack into cards,
 * each cell labelled by its column, so nothing scrolls sideways.
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  getRowId,
  paging,
  sorting,
  empty,
  renderDetail,
  rowClassName,
}: DataTableProps<T>) {
  const table = useReactTable<T>({
    data: rows,
    columns,
    getRowId: (row) => getRowId(row),
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableSorting: sorting !== undefined,
    state: sorting ? { sorting: sorting.state } : {},
    ...(sorting ? { onSortingChange: sorting.onChange } : {}),
  });

  if (rows.length === 0) {
    return <EmptyState title={empty.title}>{empty.body}</EmptyState>;
  }
  const width = table.getVisibleLeafColumns().length;
  return (
    <>
      <div className={`table-wrap ${styles.wrap}`}>
        <table className={styles.table}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  const sorted = header.column.getIsSorted();
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className={meta?.numeric ? "num" : undefined}
                      aria-sort={
                        sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined
                      }
                    >
                      {header.column.getCanSort() ? (
                        <button
                          type="button"
                          className={styles.sortButton}
                          onClick={header.column.getToggleSortingHandler()}
                        >
                          {label}
                          <span aria-hidden="true">
                            {sorted === "asc" ? " ↑" : sorted === "desc" ? " ↓" : ""}
                          </span>
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <BodyRow
                key={row.id}
                row={row}
                width={width}
                detail={renderDetail?.(row.original) ?? null}
                className={rowClassName?.(row.original)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {paging ? (
        <LoadMore
          query={paging.query}
          shown={rows.length}
          one={paging.one}
          many={paging.many}
          {...(paging.total === undefined ? {} : { total: paging.total })}
        />
      ) : null}
    </>
  );
}

function BodyRow<T>({
  row,
  width,
  detail,
  className,
}: {
  row: Row<T>;
  width: number;
  detail: ReactNode | null;
  className: string | undefined;
}) {
  return (
    <Fragment>
      <tr className={className}>
        {row.getVisibleCells().map((cell) => {
          const meta = cell.column.columnDef.meta;
          const header = cell.column.columnDef.header;
          const classes = [
            meta?.numeric ? "num" : "",
            meta?.className ?? "",
            meta?.hideWhenStacked ? styles.hideWhenStacked : "",
          ]
            .filter(Boolean)
            .join(" ");
          return (
            <td
              key={cell.id}
              className={classes || undefined}
              data-label={typeof header === "string" ? header : cell.column.id}
            >
              {/* One box for the value, so a stacked row's label and value sit side by side. */}
              <div>{flexRender(cell.column.columnDef.cell, cell.getContext())}</div>
            </td>
          );
        })}
      </tr>
      {detail === null ? null : (
        <tr className="detail-row">
          <td colSpan={width} className={styles.detailCell}>
            {detail}
          </td>
        </tr>
      )}
    </Fragment>
  );
}
