import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, ErrorBanner, Loading, liveWhileShort, TimeAgo } from "../../components/ui.tsx";
import { count, duration, useNow } from "../../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, type Run, useTRPC } from "../../trpc.ts";
import styles from "./connections.module.css";

/** Runs per page of each list: a connection's page shows its latest few, more on demand. */
const PAGE_SIZE = 10;

const column = createColumnHelper<Run>();

function runColumns(now: number, failedOnly: boolean): ColumnDef<Run, never>[] {
  const columns = [
    column.accessor("id", {
      header: "Run",
      cell: ({ getValue }) => (
        <Link to="/runs/$id" params={{ id: getValue() }} aria-label={`Run ${getValue()} details`}>
          #{getValue()}
        </Link>
      ),
    }),
    column.accessor("started_at", {
      header: "Started",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("trigger", { header: "Trigger" }),
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: run } }) => (
        <>
          <Badge value={run.status} />
          {run.attempt > 1 ? <div className="cell-note">attempt {run.attempt}</div> : null}
        </>
      ),
    }),
    column.display({
      id: "duration",
      header: "Duration",
      meta: { numeric: true },
      cell: ({ row: { original: run } }) =>
        duration((run.finished_at?.getTime() ?? now) - run.started_at.getTime()),
    }),
    column.accessor("rows_inserted", {
      header: "Inserted",
      meta: { numeric: true, hideWhenStacked: failedOnly },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("error", {
      header: "Error",
      meta: { className: styles.errorCell },
      cell: ({ row: { original: run } }) =>
        run.error ? (
          <>
            {run.error_class ? <Badge value={run.error_class} tone="danger" /> : null}{" "}
            <span className={`text-danger ${styles.errorText}`} title={run.error}>
              {run.error}
            </span>
          </>
        ) : (
          <span className="muted">—</span>
        ),
    }),
  ];
  return columns as ColumnDef<Run, never>[];
}

function RunList({ id, title, failedOnly }: { id: string; title: string; failedOnly: boolean }) {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions(
      { connectionId: id, limit: PAGE_SIZE, ...(failedOnly ? { status: "failed" as const } : {}) },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
  });
  const columns = useMemo(() => runColumns(now, failedOnly), [now, failedOnly]);
  const rows = runs.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        <Link to="/runs" search={{ connection: id, ...(failedOnly ? { status: "failed" as const } : {}) }}>
          On the Runs page →
        </Link>
      </div>
      {runs.isError ? (
        <ErrorBanner>Could not load runs: {errorMessage(runs.error)}</ErrorBanner>
      ) : runs.isPending ? (
        <Loading label="Loading runs…" />
      ) : (
        <DataTable
          caption={title}
          columns={columns}
          rows={rows}
          getRowId={(run) => run.id}
          paging={{ query: runs, one: "run", many: "runs" }}
          empty={
            failedOnly
              ? { title: "No failed runs", body: "Every sync of this connection so far has succeeded." }
              : {
                  title: "No runs yet",
                  body: "Its first sync is queued when it is created; Sync now starts one.",
                }
          }
        />
      )}
    </section>
  );
}

/** The connection's latest runs, and apart from them its failures (the error history). */
export function ConnectionRuns({ id }: { id: string }) {
  return (
    <div className={styles.runsGrid}>
      <RunList id={id} title="Recent runs" failedOnly={false} />
      <RunList id={id} title="Error history" failedOnly />
    </div>
  );
}
