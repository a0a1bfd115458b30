import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, Loading, TimeAgo } from "../../components/ui.tsx";
import { count, duration, exactTime } from "../../format.ts";
import type { CreditRun } from "./types.ts";

/** The counts each task reports (SPEC S4), in the order the HTTP responses list them. */
const countsByTask = {
  "credits.grant": [
    ["processed", "Processed"],
    ["successful", "Granted"],
    ["skipped", "Skipped"],
    ["failed", "Failed"],
  ],
  "credits.expire": [
    ["processedBatches", "Batches"],
    ["processedUsers", "Users"],
    ["totalExpiredAmount", "Credits expired"],
  ],
} as const;
export type CreditTask = keyof typeof countsByTask;

const column = createColumnHelper<CreditRun>();

function runColumns(task: CreditTask, now: number): ColumnDef<CreditRun, never>[] {
  return [
    column.accessor("started_at", {
      header: "Started",
      meta: { className: "nowrap" },
      cell: ({ row: { original: run } }) => (
        <>
          <span title={exactTime(run.started_at)}>{run.started_at.toISOString().slice(0, 10)}</span>{" "}
          <span className="muted">
            <TimeAgo date={run.started_at} now={now} />
          </span>
        </>
      ),
    }),
    column.accessor("trigger", {
      header: "Trigger",
      cell: ({ getValue }) => <Badge value={getValue()} tone="neutral" />,
    }),
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: run } }) => (
        <>
          <Badge value={run.status} />
          {run.error ? <div className="cell-note text-danger">{run.error}</div> : null}
        </>
      ),
    }),
    column.accessor("duration_ms", {
      header: "Duration",
      meta: { numeric: true },
      cell: ({ getValue }) => {
        const ms = getValue();
        if (ms === null) return <span className="muted">—</span>;
        return <span className={ms > 5_000 ? "text-warning" : undefined}>{duration(ms)}</span>;
      },
    }),
    ...countsByTask[task].map(([key, label]) =>
      column.display({
        id: key,
        header: label,
        meta: { numeric: true },
        cell: ({ row }) => {
          const value = row.original.results?.[key];
          if (value === undefined) return <span className="muted">—</span>;
          return (
            <span className={key === "failed" && value > 0 ? "text-danger" : undefined}>{count(value)}</span>
          );
        },
      }),
    ),
  ] as ColumnDef<CreditRun, never>[];
}

/** One task's runs, newest first (credits.runs answers up to 500 at once; it does not page). */
export function CreditRunsTable({
  task,
  runs,
  pending,
  now,
}: {
  task: CreditTask;
  runs: CreditRun[];
  pending: boolean;
  now: number;
}) {
  const columns = useMemo(() => runColumns(task, now), [task, now]);
  const title = task === "credits.grant" ? "Grant history" : "Expiry history";
  return (
    <>
      <h2 className="section-heading">{title}</h2>
      {pending ? (
        <Loading label="Loading credit runs…" />
      ) : (
        <DataTable
          caption={title}
          columns={columns}
          rows={runs}
          getRowId={(run) => run.id}
          empty={{
            title: "No runs yet",
            body: `${task} has not run; the schedule, an external scheduler or "Run now" starts it.`,
          }}
        />
      )}
    </>
  );
}
