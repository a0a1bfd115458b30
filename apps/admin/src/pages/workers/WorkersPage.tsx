import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, PageHeader } from "../../components/ui.tsx";
import { count, useNow } from "../../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import styles from "./Workers.module.css";
import { workerColumns } from "./workerColumns.tsx";

export function WorkersPage() {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const workers = useQuery({ ...trpc.workers.list.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const columns = useMemo(() => workerColumns(now), [now]);
  const rows = workers.data ?? [];
  const alive = rows.filter((worker) => worker.alive);
  const capacity = alive.reduce((sum, worker) => sum + (worker.concurrency ?? 0), 0);
  const held = alive.reduce((sum, worker) => sum + worker.jobsHeld, 0);

  return (
    <section aria-labelledby="workers-heading">
      <PageHeader
        id="workers-heading"
        title="Workers"
        subtitle="The worker processes that sent a heartbeat in the last 24 hours, newest first. Refreshes live."
      />
      {workers.isError ? (
        <ErrorBanner>Could not load the workers: {errorMessage(workers.error)}</ErrorBanner>
      ) : null}
      {workers.isPending ? (
        <Loading label="Loading workers…" />
      ) : (
        <>
          <ul className={`summary ${styles.tiles}`} aria-label="Workers at a glance">
            <li className={`stat ${alive.length > 0 ? "stat-success" : "stat-danger"}`}>
              <span className="stat-value">{count(alive.length)}</span>
              <span className="stat-label">Alive</span>
            </li>
            <li className={`stat ${rows.length > alive.length ? "stat-warning" : ""}`}>
              <span className="stat-value">{count(rows.length - alive.length)}</span>
              <span className="stat-label">Stale</span>
            </li>
            <li className="stat">
              <span className="stat-value">{count(capacity)}</span>
              <span className="stat-label">Concurrency (alive)</span>
            </li>
            <li className="stat stat-info">
              <span className="stat-value">{count(held)}</span>
              <span className="stat-label">Jobs held</span>
            </li>
          </ul>
          <DataTable
            caption="Workers"
            columns={columns}
            rows={rows}
            getRowId={(worker) => worker.id}
            empty={{
              title: "No workers",
              body: "No worker process has sent a heartbeat in the last 24 hours: start one with pnpm worker.",
            }}
          />
        </>
      )}
    </section>
  );
}
