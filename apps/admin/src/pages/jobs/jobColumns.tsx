import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import styles from "./Jobs.module.css";
import { type Job, stateHints, stateTones } from "./jobStates.ts";

const column = createColumnHelper<Job>();

/** The selection a job list's check boxes read and write. */
export interface JobSelection {
  has: (id: string) => boolean;
  toggle: (id: string) => void;
  /** Null when the viewer may not act on jobs: no check boxes. */
  enabled: boolean;
}

export function jobColumns(now: number, selection: JobSelection): ColumnDef<Job, never>[] {
  return [
    ...(selection.enabled
      ? [
          column.display({
            id: "select",
            header: "Select",
            cell: ({ row: { original: job } }) => (
              <input
                type="checkbox"
                className={styles.checkbox}
                checked={selection.has(job.id)}
                onChange={() => selection.toggle(job.id)}
                aria-label={`Select job ${job.id} (${job.task})`}
              />
            ),
          }),
        ]
      : []),
    column.accessor("id", { header: "Job", cell: ({ row }) => `#${row.original.id}` }),
    column.accessor("task", {
      header: "Task",
      cell: ({ row: { original: job } }) => (
        <>
          <code>{job.task}</code>
          {job.key ? <div className="cell-note">key {job.key}</div> : null}
        </>
      ),
    }),
    column.accessor("state", {
      header: "State",
      cell: ({ row: { original: job } }) => (
        <Badge value={job.state} tone={stateTones[job.state]} title={stateHints[job.state]} />
      ),
    }),
    column.accessor("runAt", {
      header: "Run at",
      cell: ({ row }) => <TimeAgo date={row.original.runAt} now={now} />,
    }),
    column.accessor("attempts", {
      header: "Attempts",
      meta: { numeric: true },
      cell: ({ row: { original: job } }) => `${job.attempts} of ${job.maxAttempts}`,
    }),
    column.accessor("lockedBy", {
      header: "Locked by",
      meta: { hideWhenStacked: true },
      cell: ({ row: { original: job } }) =>
        job.lockedBy ? (
          <>
            <code>{job.lockedBy}</code>
            <div className="cell-note">
              since <TimeAgo date={job.lockedAt} now={now} />
            </div>
          </>
        ) : (
          <span className="muted">—</span>
        ),
    }),
    column.accessor("lastError", {
      header: "Last error",
      meta: { className: "error-cell" },
      cell: ({ row: { original: job } }) =>
        job.lastError ? (
          <span className="text-danger" title={job.lastError}>
            {job.lastError}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    }),
    column.accessor("createdAt", {
      header: "Queued",
      meta: { hideWhenStacked: true },
      cell: ({ row }) => <TimeAgo date={row.original.createdAt} now={now} />,
    }),
  ] as ColumnDef<Job, never>[];
}
