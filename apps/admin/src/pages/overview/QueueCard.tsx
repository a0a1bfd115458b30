import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "../../components/table/DataTable.tsx";
import { count } from "../../format.ts";
import type { Summary } from "./types.ts";

type QueueRow = Summary["queue"][number];
const column = createColumnHelper<QueueRow>();
const columns = [
  column.accessor("task", {
    header: "Task",
    cell: ({ getValue }) => <code className="provider">{getValue()}</code>,
  }),
  column.accessor("waiting", {
    header: "Waiting",
    meta: { numeric: true },
    cell: ({ getValue }) => count(getValue()),
  }),
  column.accessor("active", {
    header: "Active",
    meta: { numeric: true },
    cell: ({ getValue }) => count(getValue()),
  }),
  column.accessor("delayed", {
    header: "Delayed",
    meta: { numeric: true },
    cell: ({ getValue }) => count(getValue()),
  }),
] as ColumnDef<QueueRow, never>[];

/** Jobs in graphile-worker's queue by task (one row a task: a short list, not paged). */
export function QueueCard({ queue }: { queue: Summary["queue"] }) {
  return (
    <div className="card overview-section">
      <h2>Queue depth</h2>
      <p className="muted card-intro">Jobs in graphile-worker's queue, by task.</p>
      <DataTable
        caption="Queue depth"
        columns={columns}
        rows={queue}
        getRowId={(row) => row.task}
        empty={{ title: "The queue is empty." }}
      />
    </div>
  );
}
