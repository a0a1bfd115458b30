import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useCallback, useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, liveWhileShort, PageHeader } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import type { ConnectionsSearch } from "../../routes/connections.index.tsx";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { ConnectionFilters } from "./ConnectionFilters.tsx";
import { ConnectionSummary } from "./ConnectionSummary.tsx";
import { connectionColumns } from "./connectionColumns.tsx";
import { NewConnectionCard } from "./NewConnectionCard.tsx";

const route = getRouteApi("/connections/");

/** Connections per page of the list. */
const PAGE_SIZE = 25;

export function ConnectionsPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = useCallback(
    (patch: Partial<ConnectionsSearch>) =>
      void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true }),
    [navigate],
  );

  const filter = {
    ...(search.search ? { search: search.search } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(search.syncStatus ? { syncStatus: search.syncStatus } : {}),
    ...(search.provider ? { provider: search.provider } : {}),
    ...(search.tier ? { tier: search.tier } : {}),
    ...(search.late ? { late: true } : {}),
  };
  const connections = useInfiniteQuery({
    ...trpc.connections.list.infiniteQueryOptions(
      { ...filter, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const summary = useQuery({
    ...trpc.connections.summary.queryOptions(filter),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
  const canOperate = user.role !== "viewer";
  const columns = useMemo(() => connectionColumns(now, canOperate), [now, canOperate]);
  const rows = connections.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(filter).length > 0;

  return (
    <section aria-labelledby="connections-heading">
      <PageHeader
        id="connections-heading"
        title="Connections"
        subtitle="Every tenant's provider accounts and how fresh their data is. Open one for its runs, chart and actions."
      />
      {summary.data ? <ConnectionSummary counts={summary.data} /> : null}
      <ConnectionFilters search={search} onChange={setSearch} />

      {connections.isError ? (
        <ErrorBanner>Could not load connections: {errorMessage(connections.error)}</ErrorBanner>
      ) : null}
      {connections.isPending ? (
        <Loading label="Loading connections…" />
      ) : (
        <DataTable
          caption="Connections"
          columns={columns}
          rows={rows}
          getRowId={(connection) => connection.id}
          paging={{
            query: connections,
            one: "connection",
            many: "connections",
            ...(summary.data ? { total: summary.data.total } : {}),
          }}
          empty={
            filtered
              ? {
                  title: "No connections match these filters",
                  body: "Clear the search or pick another status.",
                }
              : {
                  title: "No connections yet",
                  body: "Add one below (admins), or through the API; it appears here with its first sync.",
                }
          }
        />
      )}

      {user.role === "admin" ? <NewConnectionCard /> : null}
    </section>
  );
}
