import { Link } from "@tanstack/react-router";
import { Badge, EmptyState, TimeAgo } from "../../components/ui.tsx";
import { count, duration } from "../../format.ts";
import { statusTones } from "./OverviewTiles.tsx";
import { asProvider, type PoolHealth } from "./types.ts";

function PoolTile({ pool, now }: { pool: PoolHealth; now: number }) {
  const tone = statusTones[pool.status];
  const provider = asProvider(pool);
  return (
    <li className={`card health health-${tone}`} aria-label={`${pool.pool} ${pool.kind}: ${pool.status}`}>
      <div className="health-head">
        {provider ? (
          <Link to="/connections" search={{ provider }} title={`Show the ${provider} connections`}>
            <code className="provider">{pool.pool}</code>
          </Link>
        ) : (
          <code className="provider">{pool.pool}</code>
        )}
        <Badge value={pool.status} tone={tone} />
      </div>
      <p className="cell-note">{pool.kind}</p>
      <p className="health-reason">{pool.reason}</p>
      <dl className="health-facts">
        <div>
          <dt>Active targets</dt>
          <dd>
            {provider ? (
              <Link to="/connections" search={{ provider, status: "active" }}>
                {count(pool.activeTargets)}
              </Link>
            ) : (
              count(pool.activeTargets)
            )}
          </dd>
        </div>
        <div>
          <dt>Late</dt>
          <dd className={pool.states.late > 0 ? "text-warning" : undefined}>
            {provider ? (
              <Link to="/connections" search={{ provider, late: true }}>
                {count(pool.states.late)}
              </Link>
            ) : (
              count(pool.states.late)
            )}
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
          <dd>
            <Link to="/runs" search={{ scope: "syncs" }}>
              {count(pool.runsLastHour)}
            </Link>
          </dd>
        </div>
        <div>
          <dt>Failures, last hour</dt>
          <dd className={pool.failedRunsLastHour > 0 ? "text-danger" : undefined}>
            <Link to="/runs" search={{ scope: "syncs", status: "failed" }}>
              {count(pool.failedRunsLastHour)}
            </Link>
          </dd>
        </div>
      </dl>
    </li>
  );
}

/** Health per pool and kind, judged as GET /health/sync judges it. */
export function PoolTiles({ pools, now }: { pools: PoolHealth[]; now: number }) {
  return (
    <section aria-labelledby="pools-heading" className="overview-section">
      <h2 id="pools-heading">Pools</h2>
      {pools.length === 0 ? (
        <EmptyState title="No targets yet">
          Health appears here once a tenant has a connection (or another kind has a target).
        </EmptyState>
      ) : (
        <ul className="health-grid" aria-label="Pool health">
          {pools.map((pool) => (
            <PoolTile key={`${pool.pool}/${pool.kind}`} pool={pool} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
