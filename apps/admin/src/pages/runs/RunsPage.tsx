import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../components/table/DataTable.tsx";
import {
  Badge,
  ErrorBanner,
  Loading,
  liveWhileShort,
  PageHeader,
  SelectField,
  TimeAgo,
} from "../components/ui.tsx";
import { count, duration, useNow } from "../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, type Run, useTRPC } from "../trpc.ts";

const route = getRouteApi("/runs/");

const scopes = {
  work: "Syncs and jobs",
  syncs: "Syncs",
  jobs: "Business jobs",
  ticks: "Scheduler ticks",
  all: "Everything",
} as const;
const statuses = ["running", "succeeded", "failed", "deferred"] as const;

export function runDuration(run: Pick<Run, "started_at" | "finished_at">, now: number): string {
  return duration((run.finished_at?.getTime() ?? now) - run.started_at.getTime());
}

const column = createColumnHelper<Run>();

function runColumns(now: number): ColumnDef<Run, never>[] {
  return [
    column.accessor("id", {
      header: "Run",
      cell: ({ row }) => (
        <Link to="/runs/$id" params={{ id: row.original.id }} aria-label={`Run ${row.original.id} details`}>
          #{row.original.id}
        </Link>
      ),
    }),
    column.accessor("started_at", {
      header: "Started",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.display({
      id: "subject",
      header: "Connection or task",
      meta: { className: "nowrap" },
      cell: ({ row: { original: run } }) =>
        run.connection_name ? (
          <>
            <div>{run.connection_name}</div>
            <div className="cell-note">
              {run.tenant_name} · {run.provider}
            </div>
          </>
        ) : (
          // A business job's run (credits, quotas, ticks) syncs no connection.
          <code>{run.task}</code>
        ),
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
      cell: ({ row }) => runDuration(row.original, now),
    }),
    column.accessor("pages", {
      header: "Pages",
      meta: { numeric: true, hideWhenStacked: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_fetched", {
      header: "Fetched",
      meta: { numeric: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_inserted", {
      header: "Inserted",
      meta: { numeric: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("rows_updated", {
      header: "Updated",
      meta: { numeric: true, hideWhenStacked: true },
      cell: ({ getValue }) => count(getValue()),
    }),
    column.accessor("error", {
      header: "Error",
      meta: { className: "error-cell" },
      cell: ({ getValue }) => {
        const error = getValue();
        return error ? (
          <span className="text-danger" title={error}>
            {error}
          </span>
        ) : (
          <span className="muted">—</span>
        );
      },
    }),
  ] as ColumnDef<Run, never>[];
}

export function RunsPage() {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const scope = search.scope ?? "work";
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });

  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions(
      {
        limit: 100,
        scope,
        ...(search.status ? { status: search.status } : {}),
        ...(search.connection ? { connectionId: search.connection } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const connection = useQuery({
    ...trpc.connections.byId.queryOptions({ id: search.connection ?? "" }),
    enabled: search.connection !== undefined,
  });
  const rows = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const columns = useMemo(() => runColumns(now), [now]);
  const filtered = search.status !== undefined || search.connection !== undefined;

  return (
    <section aria-labelledby="runs-heading">
      <PageHeader
        id="runs-heading"
        title="Runs"
        subtitle="Every execution of every task, newest first: syncs of each connection and business jobs (credits, quotas). Running ones update live."
      />
      <div className="toolbar">
        <SelectField
          label="Work"
          value={scope}
          options={Object.keys(scopes) as (keyof typeof scopes)[]}
          labels={scopes}
          onChange={(value) => setSearch({ scope: value === "work" || value === "" ? undefined : value })}
        />
        <SelectField
          label="Run status"
          value={search.status ?? ""}
          options={statuses}
          anyLabel="Any status"
          onChange={(value) => setSearch({ status: value || undefined })}
        />
        {search.connection ? (
          <div className="chip">
            Connection:{" "}
            <strong>
              {connection.data
                ? `${connection.data.tenant_name} / ${connection.data.name}`
                : search.connection}
            </strong>
            <Link
              to="/runs"
              search={(previous) => ({ ...previous, connection: undefined })}
              aria-label="Show runs of all connections"
            >
              ×
            </Link>
          </div>
        ) : null}
      </div>

      {runs.isError ? <ErrorBanner>Could not load runs: {errorMessage(runs.error)}</ErrorBanner> : null}
      {runs.isPending ? (
        <Loading label="Loading runs…" />
      ) : (
        <DataTable
          caption="Runs"
          columns={columns}
          rows={rows}
          getRowId={(run) => run.id}
          paging={{ query: runs, one: "run", many: "runs" }}
          empty={{
            title: filtered ? "No runs match these filters" : "No runs yet",
            body: "Runs appear here as soon as a sync starts: on schedule, or with Sync now on the Connections page.",
          }}
        />
      )}
    </section>
  );
}
