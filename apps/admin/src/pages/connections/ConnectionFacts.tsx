import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { duration, exactTime, useNow } from "../../format.ts";
import styles from "./connections.module.css";
import type { ConnectionDetail } from "./types.ts";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** What the connection is and how its syncing stands. Never its credentials. */
export function ConnectionFacts({ connection }: { connection: ConnectionDetail }) {
  const now = useNow();
  const paused = connection.status === "paused";
  const failure = connection.last_failure;
  return (
    <div className="card">
      <h2>Facts</h2>
      <dl className="facts">
        <Fact label="Tenant">{connection.tenant_name}</Fact>
        <Fact label="Provider">
          <code className="provider">{connection.provider}</code>
        </Fact>
        <Fact label="Tier">
          <Badge value={connection.tier} />
        </Fact>
        <Fact label="Interval">every {duration(connection.interval_ms)} (set by the tier)</Fact>
        <Fact label="Base URL">
          {connection.base_url ? (
            <code className={styles.url}>{connection.base_url}</code>
          ) : (
            <span className="muted">the provider's public API</span>
          )}
        </Fact>
        <Fact label="Status">
          <Badge value={connection.status} />
          {paused ? (
            <span className="muted">
              {" "}
              {connection.paused_by_system
                ? "paused by the engine (authentication failures)"
                : "paused by a person"}
            </span>
          ) : null}
        </Fact>
        {paused ? (
          <Fact label="Pause reason">
            {connection.paused_reason ?? <span className="muted">none given</span>}
          </Fact>
        ) : null}
        <Fact label="Sync status">
          <Badge value={connection.sync_status} />
          {connection.consecutive_failures > 0 ? (
            <span className="text-danger"> {connection.consecutive_failures} failures in a row</span>
          ) : null}
        </Fact>
        <Fact label="Last synced">
          <TimeAgo date={connection.last_synced_at} now={now} />
        </Fact>
        <Fact label="Next sync">
          {paused ? (
            <span className="muted">paused</span>
          ) : (
            <TimeAgo date={connection.next_sync_at} now={now} empty="not scheduled" />
          )}
        </Fact>
        <Fact label="Last failure">
          {failure ? (
            <>
              <Link to="/runs/$id" params={{ id: failure.run_id }}>
                Run #{failure.run_id}
              </Link>{" "}
              <span title={exactTime(failure.at)}>
                <TimeAgo date={failure.at} now={now} />
              </span>
              {failure.error_class ? (
                <>
                  {" "}
                  <Badge value={failure.error_class} tone="danger" />
                </>
              ) : null}
              {failure.error ? <div className="cell-note cell-error">{failure.error}</div> : null}
            </>
          ) : (
            <span className="muted">none</span>
          )}
        </Fact>
      </dl>
    </div>
  );
}
