import type { AppRouter } from "@synchub/api";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterClient } from "@trpc/client";
import { useDeferredValue, useId, useState } from "react";
import {
  ActionNote,
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  liveWhileShort,
  PageHeader,
  SelectField,
  TimeAgo,
  useFlashNotice,
} from "../components/ui.tsx";
import { count, useNow } from "../format.ts";
import { useUser } from "../shell/useUser.ts";
import { type Connection, errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type Counts = Awaited<ReturnType<Client["connections"]["summary"]["query"]>>;

type Status = "active" | "paused";
type SyncStatus = "pending" | "running" | "ok" | "failed";

const statuses: Status[] = ["active", "paused"];
const syncStatuses: SyncStatus[] = ["pending", "running", "ok", "failed"];
const providerOptions = ["openai", "anthropic", "openrouter", "volcengine"] as const;
type Provider = (typeof providerOptions)[number];
const tierOptions = ["enterprise", "pro", "free"] as const;
type Tier = (typeof tierOptions)[number];

export function ConnectionsPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const [syncStatus, setSyncStatus] = useState<SyncStatus | "">("");
  // A tenant is picked from a row (its name is a button), so no list of every tenant is fetched.
  const [tenant, setTenant] = useState<{ id: string; name: string } | null>(null);
  const [provider, setProvider] = useState<Provider | "">("");
  const [tier, setTier] = useState<Tier | "">("");
  const deferredSearch = useDeferredValue(search.trim());
  const ids = { search: useId() };

  const filter = {
    ...(deferredSearch ? { search: deferredSearch } : {}),
    ...(status ? { status } : {}),
    ...(syncStatus ? { syncStatus } : {}),
    ...(tenant ? { tenantId: tenant.id } : {}),
    ...(provider ? { provider } : {}),
    ...(tier ? { tier } : {}),
  };
  const connections = useInfiniteQuery({
    ...trpc.connections.list.infiniteQueryOptions(filter, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const summary = useQuery({
    ...trpc.connections.summary.queryOptions(filter),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
  const filtered = Object.keys(filter).length > 0;
  const rows = connections.data?.pages.flatMap((page) => page.items) ?? [];
  const canOperate = user.role !== "viewer";

  return (
    <section aria-labelledby="connections-heading">
      <PageHeader
        id="connections-heading"
        title="Connections"
        subtitle="Every tenant's provider accounts and how fresh their data is."
      />
      {summary.data ? <Summary counts={summary.data} /> : null}

      <search className="toolbar">
        <div className="field field-grow">
          <label htmlFor={ids.search}>Search</label>
          <input
            id={ids.search}
            type="search"
            placeholder="Tenant or connection name"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <SelectField
          label="Status"
          value={status}
          options={statuses}
          onChange={setStatus}
          anyLabel="Any status"
        />
        <SelectField
          label="Sync status"
          value={syncStatus}
          options={syncStatuses}
          onChange={setSyncStatus}
          anyLabel="Any sync status"
        />
        <SelectField
          label="Provider"
          value={provider}
          options={providerOptions}
          onChange={setProvider}
          anyLabel="Any provider"
        />
        <SelectField label="Tier" value={tier} options={tierOptions} onChange={setTier} anyLabel="Any tier" />
        {tenant ? (
          <div className="chip">
            Tenant: <strong>{tenant.name}</strong>
            <button
              type="button"
              className="button button-small button-ghost"
              aria-label="Show connections of all tenants"
              onClick={() => setTenant(null)}
            >
              ×
            </button>
          </div>
        ) : null}
      </search>

      {connections.isError ? (
        <ErrorBanner>Could not load connections: {errorMessage(connections.error)}</ErrorBanner>
      ) : null}
      {connections.isPending ? (
        <Loading label="Loading connections…" />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No connections match these filters">
            Clear the search or pick another status.
          </EmptyState>
        ) : (
          <EmptyState title="No connections yet">
            Connections are added through the API (connections.create); they appear here with their first
            sync.
          </EmptyState>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Connections</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Tier</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Sync status</th>
                  <th scope="col">Last synced</th>
                  <th scope="col">Next sync</th>
                  <th scope="col" className="num">
                    Failures
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((connection) => (
                  <ConnectionRow
                    key={connection.id}
                    connection={connection}
                    now={now}
                    canOperate={canOperate}
                    onTenant={() => setTenant({ id: connection.tenant_id, name: connection.tenant_name })}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore
            query={connections}
            shown={rows.length}
            total={summary.data?.total}
            one="connection"
            many="connections"
          />
        </>
      )}
    </section>
  );
}

/** Counted by the server over every connection the filters select, not just the loaded rows. */
function Summary({ counts }: { counts: Counts }) {
  const items: [string, number, string][] = [
    ["Matching", counts.total, ""],
    ["Healthy", counts.ok, "success"],
    ["Running", counts.running, "info"],
    ["Failed", counts.failed, "danger"],
    ["Late", counts.late, "warning"],
    ["Paused", counts.paused, "warning"],
  ];
  return (
    <ul className="summary" aria-label="Connection summary">
      {items.map(([label, value, tone]) => (
        <li key={label} className={tone ? `stat stat-${tone}` : "stat"}>
          <span className="stat-value">{count(value)}</span>
          <span className="stat-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

function ConnectionRow({
  connection,
  now,
  canOperate,
  onTenant,
}: {
  connection: Connection;
  now: number;
  canOperate: boolean;
  onTenant: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const label = `${connection.tenant_name} / ${connection.name}`;

  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    ]);
  };
  const syncNow = useMutation(
    trpc.connections.syncNow.mutationOptions({
      onSuccess: async () => {
        setNotice("Sync queued");
        await refresh();
      },
    }),
  );
  const pause = useMutation(trpc.connections.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.connections.resume.mutationOptions({ onSuccess: refresh }));

  const paused = connection.status === "paused";
  const busy = syncNow.isPending || pause.isPending || resume.isPending;
  const error = syncNow.error ?? pause.error ?? resume.error;
  const readOnly = canOperate ? undefined : "Needs the operator role";

  return (
    <tr>
      <td className="nowrap">
        <button
          type="button"
          className="button button-small button-ghost"
          title="Show only this tenant's connections"
          onClick={onTenant}
        >
          {connection.tenant_name}
        </button>
      </td>
      <td>
        <Badge value={connection.tier} />
      </td>
      <td>
        <code className="provider">{connection.provider}</code>
      </td>
      <td className="nowrap">
        <Link to="/runs" search={{ connection: connection.id }} title="Show this connection's runs">
          {connection.name}
        </Link>
      </td>
      <td>
        <Badge value={connection.status} />
        {paused && connection.paused_reason ? (
          <div className="cell-note">{connection.paused_reason}</div>
        ) : null}
      </td>
      <td>
        <Badge value={connection.sync_status} />
        {connection.sync_status === "failed" && connection.sync_error ? (
          <div className="cell-note cell-error" title={connection.sync_error}>
            {connection.sync_error}
          </div>
        ) : null}
      </td>
      <td>
        <TimeAgo date={connection.last_synced_at} now={now} />
      </td>
      <td>
        {paused ? (
          <span className="muted">paused</span>
        ) : (
          <TimeAgo date={connection.next_sync_at} now={now} empty="not scheduled" />
        )}
      </td>
      <td className={connection.consecutive_failures > 0 ? "num text-danger" : "num"}>
        {connection.consecutive_failures}
      </td>
      <td className="actions">
        <div className="button-row">
          <button
            type="button"
            className="button button-primary button-small"
            aria-label={`Sync now: ${label}`}
            title={readOnly ?? (paused ? "Resume the connection to sync it" : "Queue a sync right away")}
            disabled={busy || paused || !canOperate}
            onClick={() => syncNow.mutate({ id: connection.id })}
          >
            {syncNow.isPending ? "Queuing…" : "Sync now"}
          </button>
          {paused ? (
            <button
              type="button"
              className="button button-small"
              aria-label={`Resume: ${label}`}
              title={readOnly}
              disabled={busy || !canOperate}
              onClick={() => resume.mutate({ id: connection.id })}
            >
              {resume.isPending ? "Resuming…" : "Resume"}
            </button>
          ) : (
            <button
              type="button"
              className="button button-small"
              aria-label={`Pause: ${label}`}
              title={readOnly}
              disabled={busy || !canOperate}
              onClick={() => pause.mutate({ id: connection.id })}
            >
              {pause.isPending ? "Pausing…" : "Pause"}
            </button>
          )}
        </div>
        <ActionNote error={error ? errorMessage(error) : null} notice={notice} />
      </td>
    </tr>
  );
}
