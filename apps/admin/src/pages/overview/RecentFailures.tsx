import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, ErrorBanner, Loading, TimeAgo } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import styles from "./overview.module.css";
import type { RecentFailure } from "./types.ts";

/** The latest failures shown; the Runs page has the rest. */
const SHOWN = 10;

const column = createColumnHelper<RecentFailure>();

function failureColumns(now: number): ColumnDef<RecentFailure, never>[] {
  return [
    column.accessor("runId", {
      header: "Run",
      cell: ({ getValue }) => (
        <Link to="/runs/$id" params={{ id: getValue() }} aria-label={`Run ${getValue()} details`}>
          #{getValue()}
        </Link>
      ),
    }),
    column.display({
      id: "what",
      header: "Target or task",
      cell: ({ row: { original: failure } }) =>
        failure.targetName ? (
          <>
            {failure.kind === "llm.costs" && failure.targetId ? (
              <Link to="/connections/$id" params={{ id: failure.targetId }}>
                {`${failure.tenantName ?? "?"} / ${failure.targetName}`}
              </Link>
            ) : (
              `${failure.tenantName ?? "?"} / ${failure.targetName}`
            )}
            <div className="cell-note">{failure.kind ?? failure.task}</div>
          </>
        ) : (
          <code>{failure.kind ?? failure.task}</code>
        ),
    }),
    column.accessor("finishedAt", {
      header: "Failed",
      cell: ({ row: { original: failure } }) => (
        <TimeAgo date={failure.finishedAt ?? failure.startedAt} now={now} />
      ),
    }),
    column.accessor("error", {
      header: "Error",
      meta: { className: styles.errorCell },
      cell: ({ row: { original: failure } }) => (
        <>
          {failure.errorClass ? <Badge value={failure.errorClass} tone="danger" /> : null}{" "}
          <span className={`text-danger ${styles.errorText}`} title={failure.error ?? undefined}>
            {failure.error ?? "no message"}
          </span>
        </>
      ),
    }),
  ] as ColumnDef<RecentFailure, never>[];
}

/** The latest failed runs of any task, each linking to its run. */
export function RecentFailures({ now, intervalMs }: { now: number; intervalMs: number }) {
  const trpc = useTRPC();
  const failures = useQuery({
    ...trpc.overview.recentFailures.queryOptions({ limit: SHOWN }),
    refetchInterval: intervalMs,
  });
  const columns = useMemo(() => failureColumns(now), [now]);
  return (
    <div className="card overview-section">
      <div className="card-head">
        <h2 id="failures-heading">Recent failures</h2>
        <Link to="/runs" search={{ status: "failed", scope: "all" }}>
          All failed runs →
        </Link>
      </div>
      <p className="muted card-intro">The latest {SHOWN} failed runs of any task, newest first.</p>
      {failures.isError ? (
        <ErrorBanner>Could not load the failures: {errorMessage(failures.error)}</ErrorBanner>
      ) : failures.isPending ? (
        <Loading label="Loading…" />
      ) : (
        <DataTable
          caption="Recent failures"
          columns={columns}
          rows={failures.data}
          getRowId={(failure) => failure.runId}
          empty={{ title: "No failed runs.", body: "Every run so far has succeeded." }}
        />
      )}
    </div>
  );
}
