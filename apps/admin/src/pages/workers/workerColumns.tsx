import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import type { RouterOutputs } from "../../trpc.ts";

export type Worker = RouterOutputs["workers"]["list"][number];

const column = createColumnHelper<Worker>();

export function workerColumns(now: number): ColumnDef<Worker, never>[] {
  return [
    column.accessor("id", {
      header: "Process",
      meta: { className: "nowrap" },
      cell: ({ row }) => <code title={row.original.id}>{row.original.id}</code>,
    }),
    column.accessor("alive", {
      header: "Status",
      cell: ({ row }) =>
        row.original.alive ? (
          <Badge value="alive" tone="success" />
        ) : (
          <Badge value="stale" tone="warning" title="No heartbeat within the allowed silence" />
        ),
    }),
    column.accessor("hostname", {
      header: "Host",
      cell: ({ row }) => (
        <>
          {row.original.hostname}
          <div className="cell-note">pid {row.original.pid}</div>
        </>
      ),
    }),
    column.accessor("startedAt", {
      header: "Started",
      cell: ({ row }) => <TimeAgo date={row.original.startedAt} now={now} />,
    }),
    column.accessor("lastBeatAt", {
      header: "Last beat",
      cell: ({ row }) => <TimeAgo date={row.original.lastBeatAt} now={now} />,
    }),
    column.accessor("concurrency", {
      header: "Concurrency",
      meta: { numeric: true },
      cell: ({ row }) =>
        row.original.concurrency === null ? (
          <span className="muted">not told</span>
        ) : (
          count(row.original.concurrency)
        ),
    }),
    column.accessor("jobsHeld", {
      header: "Jobs held",
      meta: { numeric: true },
      cell: ({ row }) =>
        row.original.jobsHeld > 0 ? (
          <Link
            to="/jobs"
            search={{ state: "locked" }}
            aria-label={`${row.original.jobsHeld} jobs held: locked jobs`}
          >
            {count(row.original.jobsHeld)}
          </Link>
        ) : (
          <span className="muted">0</span>
        ),
    }),
  ] as ColumnDef<Worker, never>[];
}
