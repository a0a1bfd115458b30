import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useCallback, useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, liveWhileShort, PageHeader } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { keyColumns } from "./keyColumns.tsx";
import { ProviderSettingsTable } from "./ProviderSettingsTable.tsx";
import { RateLimitTotals } from "./RateLimitTotals.tsx";

const route = getRouteApi("/rate-limits");

export function RateLimitsPage() {
  const user = useUser();
  const trpc = useTRPC();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  // Slots come every few hundred milliseconds: the countdowns tick every second.
  const now = useNow(1_000);
  const keys = useInfiniteQuery({
    ...trpc.rateLimits.list.infiniteQueryOptions({}, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
  });
  const totals = useQuery({ ...trpc.rateLimits.summary.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const providers = useQuery({
    ...trpc.rateLimits.providers.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const rows = keys.data?.pages.flatMap((page) => page.items) ?? [];
  const columns = useMemo(() => keyColumns(now), [now]);
  const onEdit = useCallback(
    (provider: string | undefined) =>
      void navigate({ search: (previous) => ({ ...previous, edit: provider }), replace: true }),
    [navigate],
  );

  return (
    <section aria-labelledby="rate-limits-heading">
      <PageHeader
        id="rate-limits-heading"
        title="Rate limits"
        subtitle="Pacing shared by every worker through Postgres: one key per provider, and per credential where configured."
      />
      {totals.data ? <RateLimitTotals totals={totals.data} /> : null}

      <h2 id="pacing-heading">Pacing keys</h2>
      {keys.isError ? (
        <ErrorBanner>Could not load rate limits: {errorMessage(keys.error)}</ErrorBanner>
      ) : null}
      {keys.isPending ? (
        <Loading label="Loading rate limits…" />
      ) : (
        <DataTable
          caption="Pacing keys"
          columns={columns}
          rows={rows}
          getRowId={(row) => row.key}
          rowClassName={(row) => (row.paused ? "row-paused" : undefined)}
          paging={{
            query: keys,
            one: "key",
            many: "keys",
            ...(totals.data ? { total: totals.data.keys } : {}),
          }}
          empty={{
            title: "No pacing keys yet",
            body: "A key appears with the first call a worker makes to a provider.",
          }}
        />
      )}

      <h2 id="providers-heading" className="section-heading">
        Provider settings
      </h2>
      <p className="muted section-intro">
        The provider-wide pace and how many of its syncs may run at once.{" "}
        {user.role === "admin" ? "Changes apply from the next call." : "Editing needs the admin role."}
      </p>
      {providers.isError ? (
        <ErrorBanner>Could not load provider settings: {errorMessage(providers.error)}</ErrorBanner>
      ) : providers.isPending ? (
        <Loading label="Loading provider settings…" />
      ) : (
        <ProviderSettingsTable
          rows={providers.data}
          now={now}
          canEdit={user.role === "admin"}
          editing={search.edit}
          onEdit={onEdit}
        />
      )}
    </section>
  );
}
