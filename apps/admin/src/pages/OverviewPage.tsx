import type { AppRouter } from "@synchub/api";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterClient } from "@trpc/client";
import { lazy, Suspense } from "react";
import {
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  PageHeader,
  TimeAgo,
  type Tone,
} from "../components/ui.tsx";
import { count, duration, useNow } from "../format.ts";
import { errorMessage, useTRPC } from "../trpc.ts";

// recharts is the heaviest dependency of the console: it loads with the charts, after the numbers.
const HourlyCharts = lazy(() => import("../components/charts.tsx"));

type Client = inferRouterClient<AppRouter>;
type Summary = Awaited<ReturnType<Client["overview"]["summary"]["query"]>>;
type PoolHealth = Summary["pools"][number];
type HealthStatus = PoolHealth["status"];
type AttentionItem = Awaited<ReturnType<Client["overview"]["needsAttention"]["query"]>>["items"][number];

/** The overview aggregates whole tables; every 5 s is live enough and spares the database. */
const OVERVIEW_INTERVAL_MS = 5_000;

const statusTones: Record<HealthStatus, Tone> = {
  Healthy: "success",
  Warning: "warning",
  Critical: "danger",
};
const statusRank: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2 };

const reasonLabels: Record<AttentionItem["reasons"][number], string> = {
  paused_by_system: "paused after auth failures",
  failing: "failing",
  never_succeeded: "never succeeded",
  dead_letter: "open dead letter",
};

/** Rows of the needs-attention list per page; more load on demand. */
const ATTENTION_PAGE_SIZE = 10;

export function OverviewPage() {
  const trpc = useTRPC();
  const now = useNow();
  const summary = useQuery({
    ...trpc.overview.summary.queryOptions(),
    refetchInterval: OVERVIEW_INTERVAL_MS,
  });
  const attention = useInfiniteQuery({
    ...trpc.overview.needsAttention.infiniteQueryOptions(
      { limit: ATTENTION_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: OVERVIEW_INTERVAL_MS,
  });

  const header = (
    <PageHeader
      id="overview-heading"
      title="Overview"
      subtitle="Sync health of every pool, what needs a person, the queue and the last 24 hours. Refreshes every 5 s."
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
  const attentionItems = attention.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="overview-heading">
      {header}
      <Totals summary={data} />

      <section aria-labelledby="pools-heading" className="overview-section">
        <h2 id="pools-heading">Pools</h2>
        {data.pools.length === 0 ? (
          <EmptyState title="No targets yet">
            Health appears here once a tenant has a connection (or another kind has a target).
          </EmptyState>
        ) : (
          <ul className="health-grid" aria-label="Pool health">
            {data.pools.map((pool) => (
              <PoolTile key={`${pool.pool}/${pool.kind}`} pool={pool} now={now} />
            ))}
          </ul>
        )}
      </section>

      <div className="card overview-section">
        <div className="card-head">
          <h2 id="attention-heading">
            Needs attention{" "}
            <Badge
              value={count(data.needsAttention)}
              tone={data.needsAttention > 0 ? "warning" : "success"}
            />
          </h2>
          <Link to="/dead-letters">Dead letters →</Link>
        </div>
        <p className="muted card-intro">
          Targets paused by the engine, failing, never succeeded, or with an open dead letter, over all
          targets; most recently changed first.
        </p>
        {attention.isError ? (
          <ErrorBanner>Could not load the list: {errorMessage(attention.error)}</ErrorBanner>
        ) : attentionItems.length === 0 ? (
          <p className="muted">{attention.isPending ? "Loading…" : "Nothing needs a person."}</p>
        ) : (
          <>
            <AttentionTable rows={attentionItems} now={now} />
            <LoadMore
              query={attention}
              shown={attentionItems.length}
              total={data.needsAttention}
              one="target"
              many="targets"
            />
          </>
        )}
      </div>

      <Suspense fallback={<Loading label="Loading charts…" />}>
        <HourlyCharts rows={data.hourly} now={now} />
      </Suspense>

      <QueueCard queue={data.queue} />
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
  // As GET /health/sync judges it: the worst of the workers and every pool.
  const overall = [summary.workers.status, ...summary.pools.map((pool) => pool.status)].reduce<HealthStatus>(
    (worst, status) => (statusRank[status] > statusRank[worst] ? status : worst),
    "Healthy",
  );
  let runsLastHour = 0;
  let failedLastHour = 0;
  let lateTargets = 0;
  for (const pool of summary.pools) {
    runsLastHour += pool.runsLastHour;
    failedLastHour += pool.failedRunsLastHour;
    lateTargets += pool.states.late;
  }

  return (
    <ul className="summary" aria-label="Sync summary">
      <li className={`stat stat-${statusTones[overall]}`}>
        <span className="stat-value">{overall}</span>
        <span className="stat-label">Overall health</span>
        {summary.workers.status === "Healthy" ? null : (
          <span className="stat-note">{summary.workers.reason}</span>
        )}
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
      <li className={lateTargets > 0 ? "stat stat-warning" : "stat"}>
        <span className="stat-value">{count(lateTargets)}</span>
        <span className="stat-label">Late targets</span>
      </li>
      <li className={summary.deadLettersOpen > 0 ? "stat stat-danger" : "stat"}>
        <Link className="stat-value stat-link" to="/dead-letters">
          {count(summary.deadLettersOpen)}
        </Link>
        <span className="stat-label">Open dead letters</span>
      </li>
    </ul>
  );
}

function PoolTile({ pool, now }: { pool: PoolHealth; now: number }) {
  const tone = statusTones[pool.status];
  return (
    <li className={`card health health-${tone}`} aria-label={`${pool.pool} ${pool.kind}: ${pool.status}`}>
      <div className="health-head">
        <code className="provider">{pool.pool}</code>
        <Badge value={pool.status} tone={tone} />
      </div>
      <p className="cell-note">{pool.kind}</p>
      <p className="health-reason">{pool.reason}</p>
      <dl className="health-facts">
        <div>
          <dt>Active targets</dt>
          <dd>{count(pool.activeTargets)}</dd>
        </div>
        <div>
          <dt>Late</dt>
          <dd className={pool.states.late > 0 ? "text-warning" : undefined}>
            {count(pool.states.late)}
            {pool.oldestDueSeconds > 0 ? (
              <span className="muted"> (oldest due {duration(pool.oldestDueSeconds * 1_000)})</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Last success</dt>
          <dd>
            <TimeAgo date={pool.lastSuccessAt} now={now} />
          </dd>
        </div>
        <div>
          <dt>Runs, last hour</dt>
          <dd>{count(pool.runsLastHour)}</dd>
        </div>
        <div>
          <dt>Failures, last hour</dt>
          <dd className={pool.failedRunsLastHour > 0 ? "text-danger" : undefined}>
            {count(pool.failedRunsLastHour)}
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

function AttentionTable({ rows, now }: { rows: AttentionItem[]; now: number }) {
  return (
    <table className="table-plain">
      <caption className="visually-hidden">Targets needing attention</caption>
      <thead>
        <tr>
          <th scope="col">Target</th>
          <th scope="col">Why</th>
          <th scope="col">Last success</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((item) => (
          <tr key={item.id}>
            <td>
              <Link to="/runs" search={{ connection: item.id }} title="Show this target's runs">
                {item.name === null ? item.kind : `${item.tenantName ?? "?"} / ${item.name}`}
              </Link>
              <div className="cell-note">
                {item.pool} · {item.kind}
              </div>
            </td>
            <td>
              {item.reasons.map((reason) => (
                <Badge
                  key={reason}
                  value={reasonLabels[reason]}
                  tone={reason === "paused_by_system" || reason === "dead_letter" ? "danger" : "warning"}
                />
              ))}
              {item.error ? <div className="cell-note">{item.error}</div> : null}
            </td>
            <td>
              <TimeAgo date={item.lastSyncedAt} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
