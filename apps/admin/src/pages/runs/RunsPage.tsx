import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { TRPCClientError } from "@trpc/client";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, liveWhileShort, PageHeader } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { RunFilters } from "./RunFilters.tsx";
import { runColumns } from "./runColumns.tsx";
import { fromLocalTime, rangeStart } from "./runFilters.ts";

const route = getRouteApi("/runs/");

/** The server's message for one input field of a rejected query, e.g. "to" before "from". */
function issueAt(error: unknown, field: string): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const issues = (error.data?.issues ?? []) as { path: string; message: string }[];
  return issues.find((issue) => issue.path === field)?.message;
}

export function RunsPage() {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const search = route.useSearch();
  const scope = search.scope ?? "work";
  // A preset range starts on a whole minute: the query stays put between the clock's ticks.
  const from = search.range ? rangeStart(search.range, now) : fromLocalTime(search.from);
  const to = search.range ? undefined : fromLocalTime(search.to);

  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions(
      {
        limit: 100,
        scope,
        ...(search.status ? { status: search.status } : {}),
        ...(search.connection ? { connectionId: search.connection } : {}),
        ...(search.kind ? { kind: search.kind } : {}),
        ...(search.task ? { task: search.task } : {}),
        ...(search.trigger ? { trigger: search.trigger } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
    retry: (failures, error) =>
      failures < 2 && !(error instanceof TRPCClientError && error.data?.code === "BAD_REQUEST"),
  });
  const rows = runs.data?.pages.flatMap((page) => page.items) ?? [];
  const columns = useMemo(() => runColumns(now), [now]);
  const filtered = Object.entries(search).some(([key, value]) => key !== "scope" && value !== undefined);
  const toIssue = issueAt(runs.error, "to");

  return (
    <section aria-labelledby="runs-heading">
      <PageHeader
        id="runs-heading"
        title="Runs"
        subtitle="Every execution of every task, newest first: syncs of each connection and business jobs (credits, quotas). Running ones update live."
      />
      <RunFilters toIssue={toIssue} />

      {runs.isError && !toIssue ? (
        <ErrorBanner>Could not load runs: {errorMessage(runs.error)}</ErrorBanner>
      ) : null}
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
            body: filtered
              ? "Widen the time range or clear a filter."
              : "Runs appear here as soon as a sync starts: on schedule, or with Sync now on the Connections page.",
          }}
        />
      )}
    </section>
  );
}
