import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import styles from "./Jobs.module.css";
import { type JobCounts, type JobState, jobStates, stateHints } from "./jobStates.ts";

const route = getRouteApi("/jobs");

const tileTone: Record<JobState, string> = {
  waiting: "stat-info",
  delayed: "",
  locked: "stat-success",
  failed: "stat-danger",
};

const column = createColumnHelper<JobCounts>();

function countCell(state: JobState) {
  return column.accessor(state, {
    header: state[0]!.toUpperCase() + state.slice(1),
    meta: { numeric: true },
    cell: ({ row, getValue }) =>
      getValue<number>() === 0 ? (
        <span className="muted">0</span>
      ) : (
        <Link
          to="/jobs"
          search={{ task: row.original.task, state }}
          aria-label={`${count(getValue<number>())} ${state} ${row.original.task} jobs`}
        >
          {count(getValue<number>())}
        </Link>
      ),
  });
}

const columns = [
  column.accessor("task", {
    header: "Task",
    cell: ({ getValue }) => (
      <Link to="/jobs" search={{ task: getValue<string>() }} aria-label={`Jobs of ${getValue<string>()}`}>
        <code>{getValue<string>()}</code>
      </Link>
    ),
  }),
  ...jobStates.map(countCell),
] as ColumnDef<JobCounts, never>[];

/** The queue by state (tiles that filter the list) and by task. */
export function JobSummary() {
  const trpc = useTRPC();
  const search = route.useSearch();
  const summary = useQuery({ ...trpc.jobs.summary.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  if (summary.isPending) return <Loading label="Loading the queue…" />;
  if (summary.isError)
    return <ErrorBanner>Could not load the queue: {errorMessage(summary.error)}</ErrorBanner>;
  const totals = Object.fromEntries(
    jobStates.map((state) => [state, summary.data.reduce((sum, task) => sum + task[state], 0)]),
  ) as Record<JobState, number>;
  return (
    <>
      <ul className={`summary ${styles.tiles}`} aria-label="Jobs by state">
        {jobStates.map((state) => (
          <li
            key={state}
            className={`stat ${tileTone[state]} ${search.state === state ? styles.current : ""}`}
            title={stateHints[state]}
          >
            <Link
              className={styles.tileLink}
              to="/jobs"
              search={{ ...search, state: search.state === state ? undefined : state }}
              aria-current={search.state === state ? "true" : undefined}
            >
              <span className={`stat-value ${styles.tileValue ?? ""}`}>{count(totals[state])}</span>
              <span className="stat-label">{state}</span>
            </Link>
          </li>
        ))}
      </ul>
      <h2 className={styles.sectionTitle}>By task</h2>
      <DataTable
        caption="Jobs by task"
        columns={columns}
        rows={summary.data}
        getRowId={(row) => row.task}
        empty={{
          title: "The queue is empty",
          body: "Every job is done: graphile-worker deletes a job once it succeeds.",
        }}
      />
    </>
  );
}
