import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import {
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  liveWhileShort,
  PageHeader,
  TimeAgo,
} from "../components/ui.tsx";
import { count, duration, useNow } from "../format.ts";
import { hrefFor, navigate } from "../router.ts";
import { errorMessage, LIVE_INTERVAL_MS, type Run, useTRPC } from "../trpc.ts";

type RunStatus = "running" | "succeeded" | "failed";
type RunScope = "work" | "syncs" | "jobs" | "ticks" | "all";

const scopes: { value: RunScope; label: string }[] = [
  { value: "work", label: "Syncs and jobs" },
  { value: "syncs", label: "Syncs" },
  { value: "jobs", label: "Business jobs" },
  { value: "ticks", label: "Scheduler ticks" },
  { value: "all", label: "Everything" },
];

export function runDuration(run: Pick<Run, "started_at" | "finished_at">, now: number): string {
  return duration((run.finished_at?.getTime() ?? now) - run.started_at.getTime());
}

export function RunsPage({ connectionId }: { connectionId: string | null }) {
  const trpc = useTRPC();
  const now = useNow(1_000);
  const [status, setStatus] = useState<RunStatus | "">("");
  const [scope, setScope] = useState<RunScope>("work");
  const statusId = useId();
  const scopeId = useId();

  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions(
      {
        limit: 100,
        scope,
        ...(status ? { status } : {}),
        ...(connectionId ? { connectionId } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const connection = useQuery({
    ...trpc.connections.byId.queryOptions({ id: connectionId ?? "" }),
    enabled: connectionId !== null,
  });
  const rows = runs.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="runs-heading">
      <PageHeader
        id="runs-heading"
        title="Runs"
        subtitle="Every execution of every task, newest first: syncs of each connection and business jobs (credits, quotas). Running ones update live."
      />
      <div className="toolbar">
        <div className="field">
          <label htmlFor={scopeId}>Work</label>
          <select id={scopeId} value={scope} onChange={(event) => setScope(event.target.value as RunScope)}>
            {scopes.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={statusId}>Run status</label>
          <select
            id={statusId}
            value={status}
            onChange={(event) => setStatus(event.target.value as RunStatus | "")}
          >
            <option value="">Any status</option>
            <option value="running">running</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
          </select>
        </div>
        {connectionId ? (
          <div className="chip">
            Connection:{" "}
            <strong>
              {connection.data ? `${connection.data.tenant_name} / ${connection.data.name}` : connectionId}
            </strong>
            <a href={hrefFor({ page: "runs", connectionId: null })} aria-label="Show runs of all connections">
              ×
            </a>
          </div>
        ) : null}
      </div>

      {runs.isError ? <ErrorBanner>Could not load runs: {errorMessage(runs.error)}</ErrorBanner> : null}
      {runs.isPending ? (
        <Loading label="Loading runs…" />
      ) : rows.length === 0 ? (
        <EmptyState title={status || connectionId ? "No runs match these filters" : "No runs yet"}>
          Runs appear here as soon as a sync starts: on schedule, or with Sync now on the Connections page.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Runs</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Started</th>
                  <th scope="col">Connection or task</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Pages
                  </th>
                  <th scope="col" className="num">
                    Fetched
                  </th>
                  <th scope="col" className="num">
                    Inserted
                  </th>
                  <th scope="col" className="num">
                    Updated
                  </th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((run) => (
                  <tr
                    key={run.id}
                    className="clickable"
                    onClick={(event) => {
                      // Let real links and selections behave normally; the row click is a shortcut.
                      if ((event.target as HTMLElement).closest("a") || window.getSelection()?.toString())
                        return;
                      navigate({ page: "run", id: run.id });
                    }}
                  >
                    <td>
                      <a href={hrefFor({ page: "run", id: run.id })} aria-label={`Run ${run.id} details`}>
                        #{run.id}
                      </a>
                    </td>
                    <td>
                      <TimeAgo date={run.started_at} now={now} />
                    </td>
                    <td className="nowrap">
                      {run.connection_name ? (
                        <>
                          <div>{run.connection_name}</div>
                          <div className="cell-note">
                            {run.tenant_name} · {run.provider}
                          </div>
                        </>
                      ) : (
                        // A business job's run (credits, quotas, ticks) syncs no connection.
                        <code>{run.task}</code>
                      )}
                    </td>
                    <td>{run.trigger}</td>
                    <td>
                      <Badge value={run.status} />
                      {run.attempt > 1 ? <div className="cell-note">attempt {run.attempt}</div> : null}
                    </td>
                    <td className="num">{runDuration(run, now)}</td>
                    <td className="num">{count(run.pages)}</td>
                    <td className="num">{count(run.rows_fetched)}</td>
                    <td className="num">{count(run.rows_inserted)}</td>
                    <td className="num">{count(run.rows_updated)}</td>
                    <td className="error-cell">
                      {run.error ? (
                        <span className="text-danger" title={run.error}>
                          {run.error}
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore query={runs} shown={rows.length} one="run" many="runs" />
        </>
      )}
    </section>
  );
}
