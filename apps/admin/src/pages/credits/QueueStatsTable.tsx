import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "../../components/table/DataTable.tsx";
import { count } from "../../format.ts";
import type { QueueStat } from "./types.ts";

const column = createColumnHelper<QueueStat>();
const counts = [
  ["waiting", "Waiting"],
  ["active", "Active"],
  ["delayed", "Delayed"],
  ["completed", "Completed (24 h)"],
  ["failed", "Failed"],
] as const;

const columns = [
  column.accessor("task", { header: "Task", cell: ({ getValue }) => <code>{getValue()}</code> }),
  ...counts.map(([key, label]) =>
    column.accessor(key, {
      header: label,
      meta: { numeric: true },
      cell: ({ getValue }) => {
        const value = getValue();
        return (
          <span className={key === "failed" && value > 0 ? "text-danger" : value === 0 ? "muted" : undefined}>
            {count(value)}
          </span>
        );
      },
    }),
  ),
] as ColumnDef<QueueStat, never>[];

/** Per task: waiting, active, delayed, completed in the last 24 h, failed. */
export function QueueStatsTable({ rows }: { rows: QueueStat[] }) {
  return (
    <DataTable
      caption="Queue statistics"
      columns={columns}
      rows={rows}
      getRowId={(row) => row.task}
      empty={{
        title: "The queue is empty",
        body: "No task has queued or finished a job in the last 24 hours.",
      }}
    />
  );
}
