import type { AppRouter } from "@synchub/api";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterClient } from "@trpc/client";
import { lazy, Suspense } from "react";
import {
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  PageHeader,
  TimeAgo,
  type Tone,
} from "../components/ui.tsx";
import { count, duration, useNow } from "../format.ts";
import { hrefFor } from "../router.ts";
import { type Connection, errorMessage, useTRPC } from "../trpc.ts";

// recharts is the heaviest dependency of the console: it loads with the charts, after the numbers.
const HourlyCharts = lazy(() => import("../components/charts.tsx"));

type Client = inferRouterClient<AppRouter>;
type Summary = Awaited<ReturnType<Client["overview"]["summary"]["query"]>>;
type ProviderHealth = Summary["providers"][number];
type HealthStatus = ProviderHealth["status"];

/** The overview aggregates whole tables; every 5 s is live enough and spares the database. */
const OVERVIEW_INTERVAL_MS = 5_000;

const statusTones: Record<HealthStatus, Tone> = {
  Healthy: "success",
  Warning: "warning",
  Critical: "danger",
};
const statusRank: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2 };

/**
 * How long each tier may wait past its due time before it counts as late. Mirrors
 * synchub.tier_interval, which the health judgement uses: the API counts late connections per
 * provider but does not list them.
 */
const tierIntervalMs: Record<Connection["tier"], number> = {
  enterprise: 30 * 60_000,
  pro: 60 * 60_000,
  free: 6 * 3_600_000,
};

export function OverviewPage() {
  const trpc = useTRPC();
  const now = useNow();
  const summary = useQuery({
    ...trpc.overview.summary.queryOptions(),
    refetchInterval: OVERVIEW_INTERVAL_MS,
  });
  const connections = useQuery({
    ...trpc.connections.list.queryOptions({ status: "active" }),
    refetchInterval: OVERVIEW_INTERVAL_MS,
  });

  const header = (
    <PageHeader
      id="overview-heading"
      title="Overview"
      subtitle="Sync health of every provider, the queue and the last 24 hours. Refreshes every 5 s."
    />
  );
  if (summary.isPending) {
    return (
      <section aria-labelledby="overview-heading">
        {header}
        <Loading label="Loading overview…" />
      </section>
    );
  }
  if (summary.isError) {
    return (
      <section aria-labelledby="overview-heading">
        {header}
        <ErrorBanner>Could not load the overview: {errorMessage(summary.error)}</ErrorBanner>
      </section>
    );
  }
  const data = summary.data;
  const late = (connections.data ?? []).filter(
    (connection) =>
      connection.next_sync_at !== null &&
      now - connection.next_sync_at.getTime() > tierIntervalMs[connection.tier],
  );

  return (
    <section aria-labelledby="overview-heading">
      {header}
      <Totals summary={data} />

      <section aria-labelledby="providers-heading" className="overview-section">
        <h2 id="providers-heading">Providers</h2>
        {data.providers.length === 0 ? (
          <EmptyState title="No connections yet">
            Provider health appears here once a tenant has a connection.
          </EmptyState>
        ) : (
          <ul className="health-grid" aria-label="Provider health">
            {data.providers.map((provider) => (
              <ProviderTile key={provider.provider} provider={provider} now={now} />
            ))}
          </ul>
        )}
      </section>

      <Suspense fallback={<Loading label="Loading charts…" />}>
        <HourlyCharts rows={data.hourly} now={now} />
      </Suspense>

      <div className="detail-grid">
        <QueueCard queue={data.queue} />
        <div className="card">
          <div className="card-head">
            <h2 id="stale-heading">
              Stale connections{" "}
              <Badge value={String(late.length)} tone={late.length > 0 ? "warning" : "success"} />
            </h2>
            <a href={hrefFor({ page: "connections" })}>All connections →</a>
          </div>
          <p className="muted card-intro">Active connections overdue by more than their tier's interval.</p>
          {connections.isError ? (
            <ErrorBanner>Could not load connections: {errorMessage(connections.error)}</ErrorBanner>
          ) : late.length === 0 ? (
            <p className="muted">{connections.isPending ? "Loading…" : "Every connection is on schedule."}</p>
          ) : (
            <StaleTable rows={late} now={now} />
          )}
        </div>
      </div>
    </section>
  );
}

function Totals({ summary }: { summary: Summary }) {
  let succeeded = 0;
  let failed = 0;
  for (const hour of summary.hourly) {
    succeeded += hour.succeeded;
    failed += hour.failed;
  }
  const finished = succeeded + failed;
  const rate = finished > 0 ? succeeded / finished : null;
  const rateTone = rate === null ? "" : rate >= 0.95 ? "success" : rate >= 0.8 ? "warning" : "danger";
  const overall = summary.providers.reduce<HealthStatus>(
    (worst, provider) => (statusRank[provider.status] > statusRank[worst] ? provider.status : worst),
    "Healthy",
  );
  let runsLastHour = 0;
  let failedLastHour = 0;
  let lateConnections = 0;
  for (const provider of summary.providers) {
    runsLastHour += provider.runsLastHour;
    failedLastHour += provider.failedRunsLastHour;
    lateConnections += provider.lateConnections;
  }

  return (
    <ul className="summary" aria-label="Sync summary">
      <li className={`stat stat-${statusTones[overall]}`}>
        <span className="stat-value">{overall}</span>
        <span className="stat-label">Overall health</span>
      </li>
      <li className={rateTone ? `stat stat-${rateTone}` : "stat"}>
        <span className="stat-value">{rate === null ? "—" : `${(rate * 100).toFixed(1)}%`}</span>
        <span className="stat-label">Success rate, 24 h</span>
        <span className="stat-note">
          {count(succeeded)} of {count(finished)} runs
        </span>
      </li>
      <li className="stat stat-info">
        <span className="stat-value">{count(runsLastHour)}</span>
        <span className="stat-label">Runs, last hour</span>
      </li>
      <li className={failedLastHour > 0 ? "stat stat-danger" : "stat"}>
        <span className="stat-value">{count(failedLastHour)}</span>
        <span className="stat-label">Failures, last hour</span>
      </li>
      <li className={lateConnections > 0 ? "stat stat-warning" : "stat"}>
        <span className="stat-value">{count(lateConnections)}</span>
        <span className="stat-label">Late connections</span>
      </li>
      <li className={summary.deadLettersOpen > 0 ? "stat stat-danger" : "stat"}>
        <a className="stat-value stat-link" href={hrefFor({ page: "dead-letters" })}>
          {count(summary.deadLettersOpen)}
        </a>
        <span className="stat-label">Open dead letters</span>
      </li>
    </ul>
  );
}

function ProviderTile({ provider, now }: { provider: ProviderHealth; now: number }) {
  const tone = statusTones[provider.status];
  return (
    <li className={`card health health-${tone}`} aria-label={`${provider.provider}: ${provider.status}`}>
      <div className="health-head">
        <code className="provider">{provider.provider}</code>
        <Badge value={provider.status} tone={tone} />
      </div>
      <p className="health-reason">{provider.reason}</p>
      <dl className="health-facts">
        <div>
          <dt>Active connections</dt>
          <dd>{count(provider.activeConnections)}</dd>
        </div>
        <div>
          <dt>Late</dt>
          <dd className={provider.lateConnections > 0 ? "text-warning" : undefined}>
            {count(provider.lateConnections)}
            {provider.lateConnections > 0 ? (
              <span className="muted"> (up to {duration(provider.maxLatenessSeconds * 1_000)})</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Last success</dt>
          <dd>
            <TimeAgo date={provider.lastSuccessAt} now={now} />
          </dd>
        </div>
        <div>
          <dt>Runs, last hour</dt>
          <dd>{count(provider.runsLastHour)}</dd>
        </div>
        <div>
          <dt>Failures, last hour</dt>
          <dd className={provider.failedRunsLastHour > 0 ? "text-danger" : undefined}>
            {count(provider.failedRunsLastHour)}
          </dd>
        </div>
      </dl>
    </li>
  );
}

function QueueCard({ queue }: { queue: Summary["queue"] }) {
  return (
    <div className="card">
      <h2>Queue depth</h2>
      <p className="muted card-intro">Jobs in graphile-worker's queue, by task.</p>
      {queue.length === 0 ? (
        <p className="muted">The queue is empty.</p>
      ) : (
        <table className="table-plain">
          <caption className="visually-hidden">Queue depth</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col" className="num">
                Waiting
              </th>
              <th scope="col" className="num">
                Active
              </th>
              <th scope="col" className="num">
                Delayed
              </th>
            </tr>
          </thead>
          <tbody>
            {queue.map((row) => (
              <tr key={row.task}>
                <td>
                  <code className="provider">{row.task}</code>
                </td>
                <td className="num">{count(row.waiting)}</td>
                <td className="num">{count(row.active)}</td>
                <td className="num">{count(row.delayed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function StaleTable({ rows, now }: { rows: Connection[]; now: number }) {
  const sorted = [...rows].sort(
    (a, b) => (a.next_sync_at?.getTime() ?? 0) - (b.next_sync_at?.getTime() ?? 0),
  );
  return (
    <table className="table-plain">
      <caption className="visually-hidden">Stale connections</caption>
      <thead>
        <tr>
          <th scope="col">Connection</th>
          <th scope="col">Due</th>
          <th scope="col">Sync status</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((connection) => (
          <tr key={connection.id}>
            <td className="nowrap">
              <a
                href={hrefFor({ page: "runs", connectionId: connection.id })}
                title="Show this connection's runs"
              >
                {connection.tenant_name} / {connection.name}
              </a>
              <div className="cell-note">
                {connection.provider} · {connection.tier}
              </div>
            </td>
            <td>
              <TimeAgo date={connection.next_sync_at} now={now} />
            </td>
            <td>
              <Badge value={connection.sync_status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
