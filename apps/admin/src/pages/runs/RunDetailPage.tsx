import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { Badge, ErrorBanner, Loading, PageHeader, TimeAgo } from "../../components/ui.tsx";
import { count, exactTime, useNow } from "../../format.ts";
import { usePageTitle } from "../../shell/pageTitle.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { RunHttpCalls } from "./RunHttpCalls.tsx";
import styles from "./Runs.module.css";
import { runDuration } from "./runColumns.tsx";

export function RunDetailPage({ id }: { id: string }) {
  const trpc = useTRPC();
  usePageTitle(`Run #${id}`);
  const now = useNow(1_000);
  const run = useQuery({
    ...trpc.runs.byId.queryOptions({ id }),
    // Only a running run changes; finished ones are history.
    refetchInterval: (query) => (query.state.data?.status === "running" ? LIVE_INTERVAL_MS : false),
  });

  const back = (
    <Link className="button" to="/runs">
      ← All runs
    </Link>
  );

  if (run.isPending) return <Loading label="Loading run…" />;
  if (run.isError) {
    return (
      <section>
        <PageHeader title={`Run #${id}`}>{back}</PageHeader>
        <ErrorBanner>{errorMessage(run.error)}</ErrorBanner>
      </section>
    );
  }
  const data = run.data;
  return (
    <section aria-labelledby="run-heading">
      <PageHeader
        id="run-heading"
        title={`Run #${data.id}`}
        subtitle={
          data.connection_name ? (
            <>
              {data.tenant_name} / {data.connection_name} · <code className="provider">{data.provider}</code>
            </>
          ) : (
            <code>{data.task}</code>
          )
        }
      >
        {back}
      </PageHeader>

      <nav className={styles.links} aria-label="Related">
        {data.connection_id ? (
          <>
            <Link className="button button-small" to="/connections/$id" params={{ id: data.connection_id }}>
              Open the target
            </Link>
            <Link className="button button-small" to="/runs" search={{ connection: data.connection_id }}>
              Runs of this target
            </Link>
          </>
        ) : (
          <Link className="button button-small" to="/runs" search={{ task: data.task, scope: "all" }}>
            Runs of {data.task}
          </Link>
        )}
        {data.dead_letter_id ? (
          // A replay's run names the letter it replays; the Dead letters page lists it.
          <Link className="button button-small" to="/dead-letters">
            Replays dead letter #{data.dead_letter_id}
          </Link>
        ) : data.status === "failed" ? (
          // A dead letter names its task and target, not a run: the page lists the open ones.
          <Link className="button button-small" to="/dead-letters">
            Dead letters: retry or discard
          </Link>
        ) : null}
      </nav>

      <div className="detail-grid">
        <div className="card">
          <h2>Outcome</h2>
          <dl className="facts">
            <Fact label="Status">
              <Badge value={data.status} tone={data.status === "deferred" ? "warning" : undefined} />
            </Fact>
            <Fact label="Trigger">{data.trigger}</Fact>
            <Fact label="Task">
              <code>{data.task}</code>
              {data.kind ? <span className="muted"> · {data.kind}</span> : null}
            </Fact>
            <Fact label="Attempt">{data.attempt}</Fact>
            <Fact label="Started">
              {exactTime(data.started_at)} (<TimeAgo date={data.started_at} now={now} />)
            </Fact>
            <Fact label="Finished">
              {data.finished_at ? exactTime(data.finished_at) : <span className="muted">still running</span>}
            </Fact>
            <Fact label="Duration">{runDuration(data, now)}</Fact>
            {data.deferred_until ? (
              <Fact label="Deferred until">
                {exactTime(data.deferred_until)} (<TimeAgo date={data.deferred_until} now={now} />)
              </Fact>
            ) : null}
            <Fact label="Job id">{data.job_id ?? <span className="muted">none</span>}</Fact>
          </dl>
        </div>
        <div className="card">
          <h2>Progress</h2>
          <ul className="summary summary-compact">
            <li className="stat">
              <span className="stat-value">{count(data.pages)}</span>
              <span className="stat-label">Pages</span>
            </li>
            <li className="stat">
              <span className="stat-value">{count(data.rows_fetched)}</span>
              <span className="stat-label">Rows fetched</span>
            </li>
            <li className="stat">
              <span className="stat-value">{count(data.rows_inserted)}</span>
              <span className="stat-label">Inserted</span>
            </li>
            <li className="stat">
              <span className="stat-value">{count(data.rows_updated)}</span>
              <span className="stat-label">Updated</span>
            </li>
          </ul>
          {data.notice ? <p className="muted">{data.notice}</p> : null}
        </div>
      </div>

      {data.error ? (
        <div className="card card-danger">
          <h2>
            {data.status === "deferred" ? "Deferred because" : "Error"}{" "}
            {data.error_class ? <Badge value={data.error_class} tone="danger" /> : null}
          </h2>
          <pre className="error-text">{data.error}</pre>
        </div>
      ) : null}

      <RunHttpCalls
        runId={data.id}
        finishedAt={data.status === "running" ? null : (data.finished_at ?? null)}
      />
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
