import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { count, duration } from "../../format.ts";
import type { Run } from "../../trpc.ts";

export function runDuration(run: Pick<Run, "started_at" | "finished_at">, now: number): string {
  return duration((run.finished_at?.getTime() ?? now) - run.started_at.getTime());
}

const column = createColumnHelper<Run>();

/** The run history's columns; `now` moves the running ones' durations and the relative times. */
export function runColumns(now: number): ColumnDef<Run, never>[] {
  return [
    column.accessor("id", {
      header: "Run",
      cell: ({ row }) => (
        <Link to="/runs/$id" params={{ id: row.original.id }} aria-label={`Run ${row.original.id} details`}>
          #{row.original.id}
        </Link>
      ),
    }),
    column.accessor("started_at", {
      header: "Started",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.display({
      id: "subject",
      header: "Connection or task",
      meta: { className: "nowrap" },
      cell: ({ row: { original: run } }) =>
        run.connection_name ? (
          <>
            <div>{run.connection_name}</div>
            <div className="cell-note">
              {run.tenant_name} · {run.provider}
            </div>
          </>
        ) : (
          // A business job's run (credits, quotas, ticks) syncs no connection.
          <>
            <code>{run.task}</code>
            {run.kind ? <div className="cell-note">{run.kind}</div> : null}
          </>
        ),
    }),
    column.accessor("trigger", { header: "Trigger" }),
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: run } }) => (
        <>
          <Badge value={run.status} tone={run.status === "deferred" ? "warning" : undefined} />
          {run.attempt > 1 ? <div className="cell-note">attempt {run.attempt}</div> : null}
        </>
      ),
    }),
    column.display({
      id: "duration",
      header: "Duration",
      meta: { numeric: true },
      cell: ({ row }) => runDuration(row.original, now),
    }),
    column.accessor("pages", {
      header: "Pages",
      meta: { numeric: true, hideWhenStacked: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_fetched", {
      header: "Fetched",
      meta: { numeric: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_inserted", {
      header: "Inserted",
      meta: { numeric: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_updated", {
      header: "Updated",
      meta: { numeric: true, hideWhenStacked: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("error", {
      header: "Error",
      meta: { className: "error-cell" },
      cell: ({ getValue }) => {
        const error = getValue();
        return error ? (
          <span className="text-danger" title={error}>
            {error}
          </span>
        ) : (
          <span className="muted">—</span>
        );
      },
    }),
  ] as ColumnDef<Run, never>[];
}
