import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, type Tone } from "../../components/ui.tsx";
import { duration, exactTime } from "../../format.ts";
import styles from "./Schedules.module.css";
import type { LedgerEntry } from "./types.ts";
import { zonedTime } from "./zonedTime.ts";

const ledgerTones: Record<string, Tone> = {
  enqueued: "success",
  skipped: "warning",
  schedule: "neutral",
  manual: "accent",
  catch_up: "info",
  deferred: "warning",
};

const column = createColumnHelper<LedgerEntry>();

function ledgerColumns(timeZone: string): ColumnDef<LedgerEntry, never>[] {
  return [
    column.accessor((entry) => entry.occurrence_at, {
      id: "occurrence_at",
      header: "Occurrence",
      cell: ({ row }) => {
        const at = row.original.occurrence_at;
        return (
          <time className={styles.wrap} dateTime={at.toISOString()} title={`Your time: ${exactTime(at)}`}>
            {zonedTime(at, timeZone, true)}
          </time>
        );
      },
    }),
    column.accessor((entry) => entry.source, {
      id: "source",
      header: "Source",
      cell: ({ getValue }) => <Badge value={getValue()} tone={ledgerTones[getValue()]} />,
    }),
    column.accessor((entry) => entry.status, {
      id: "status",
      header: "Ledger",
      cell: ({ getValue }) => <Badge value={getValue()} tone={ledgerTones[getValue()]} />,
    }),
    column.display({
      id: "run",
      header: "Run outcome",
      cell: ({ row: { original: entry } }) =>
        entry.run ? (
          <>
            <Link to="/runs/$id" params={{ id: entry.run.id }} aria-label={`Run ${entry.run.id} details`}>
              #{entry.run.id}
            </Link>{" "}
            <Badge
              value={entry.run.status}
              tone={entry.run.status === "deferred" ? "warning" : undefined}
              title={entry.run.error ?? undefined}
            />
            {entry.run.error ? (
              <div className="cell-note text-danger" title={entry.run.error}>
                {entry.run.error}
              </div>
            ) : null}
          </>
        ) : (
          <span className="muted">{entry.status === "enqueued" ? "not started yet" : "no run"}</span>
        ),
    }),
    column.display({
      id: "duration",
      header: "Duration",
      meta: { numeric: true },
      cell: ({ row: { original: entry } }) =>
        entry.run?.durationMs != null ? (
          duration(entry.run.durationMs)
        ) : entry.run ? (
          <span className="muted">running</span>
        ) : (
          <span className="muted">—</span>
        ),
    }),
    column.accessor((entry) => entry.job_id, {
      id: "job_id",
      header: "Job",
      meta: { hideWhenStacked: true },
      cell: ({ getValue }) => getValue() ?? <span className="muted">none</span>,
    }),
    column.accessor((entry) => entry.created_at, {
      id: "created_at",
      header: "Recorded",
      meta: { className: "nowrap", hideWhenStacked: true },
      cell: ({ getValue }) => exactTime(getValue()),
    }),
  ] as ColumnDef<LedgerEntry, never>[];
}

/** The latest occurrences of a schedule, each with the run it started and how that run went. */
export function ScheduleLedger({ rows, timeZone }: { rows: LedgerEntry[]; timeZone: string }) {
  const columns = useMemo(() => ledgerColumns(timeZone), [timeZone]);
  return (
    <div className="card">
      <h2>Ledger</h2>
      <p className="muted">
        The latest 50 occurrences: each one is enqueued at most once, by any worker, and shows the run it
        started.
      </p>
      <DataTable
        caption="Occurrence ledger"
        columns={columns}
        rows={rows}
        getRowId={(entry) => entry.occurrence_at.toISOString()}
        empty={{ title: "No occurrences yet", body: "The first tick after the next run time records one." }}
      />
    </div>
  );
}
