import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { lazy, Suspense } from "react";
import { ErrorBanner, Loading, PageHeader } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { errorMessage, useTRPC } from "../../trpc.ts";
import { NeedsAttention } from "./NeedsAttention.tsx";
import { OverviewTiles } from "./OverviewTiles.tsx";
import { PoolTiles } from "./PoolTiles.tsx";
import { QueueCard } from "./QueueCard.tsx";
import { RangePicker } from "./RangePicker.tsx";
import { RecentFailures } from "./RecentFailures.tsx";

// recharts is the heaviest dependency of the console: it loads with the charts, after the numbers.
const RunsOverTimeCharts = lazy(() => import("./RunsOverTimeCharts.tsx"));

const route = getRouteApi("/overview");

/** The overview reads rollups and whole-table counts; every 5 s is live enough and spares the database. */
const OVERVIEW_INTERVAL_MS = 5_000;

export function OverviewPage() {
  const trpc = useTRPC();
  const now = useNow();
  const range = route.useSearch().range ?? "24h";
  const summary = useQuery({
    ...trpc.overview.summary.queryOptions({ range }),
    refetchInterval: OVERVIEW_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });

  const header = (
    <PageHeader
      id="overview-heading"
      title="Overview"
      subtitle="Sync health of every pool, what needs a person, recent failures and the queue. Every number opens its list. Refreshes every 5 s."
    >
      <RangePicker range={range} />
    </PageHeader>
  );
  if (summary.isPending || summary.isError) {
    return (
      <section aria-labelledby="overview-heading">
        {header}
        {summary.isError ? (
          <ErrorBanner>Could not load the overview: {errorMessage(summary.error)}</ErrorBanner>
        ) : (
          <Loading label="Loading overview…" />
        )}
      </section>
    );
  }
  const data = summary.data;
  return (
    <section aria-labelledby="overview-heading">
      {header}
      <OverviewTiles summary={data} range={range} />
      <PoolTiles pools={data.pools} now={now} />
      <NeedsAttention total={data.needsAttention} now={now} intervalMs={OVERVIEW_INTERVAL_MS} />
      <RecentFailures now={now} intervalMs={OVERVIEW_INTERVAL_MS} />
      <Suspense fallback={<Loading label="Loading charts…" />}>
        <RunsOverTimeCharts rows={data.hourly} range={range} now={now} />
      </Suspense>
      <QueueCard queue={data.queue} />
    </section>
  );
}
