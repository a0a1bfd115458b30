import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useId, useState } from "react";
import {
  ActionNote,
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  PageHeader,
  SelectField,
  TimeAgo,
  useFlashNotice,
} from "../components/ui.tsx";
import { useNow } from "../format.ts";
import { hrefFor } from "../router.ts";
import { type Connection, errorMessage, LIVE_INTERVAL_MS, type User, useTRPC } from "../trpc.ts";

type Status = "active" | "paused";
type SyncStatus = "pending" | "running" | "ok" | "failed";

const statuses: Status[] = ["active", "paused"];
const syncStatuses: SyncStatus[] = ["pending", "running", "ok", "failed"];
const providerOptions = ["openai", "anthropic", "openrouter", "volcengine"] as const;
type Provider = (typeof providerOptions)[number];
const tierOptions = ["enterprise", "pro", "free"] as const;
type Tier = (typeof tierOptions)[number];

export function ConnectionsPage({ user }: { user: User }) {
  const trpc = useTRPC();
  const now = useNow();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const [syncStatus, setSyncStatus] = useState<SyncStatus | "">("");
  const [tenantId, setTenantId] = useState("");
  const [provider, setProvider] = useState<Provider | "">("");
  const [tier, setTier] = useState<Tier | "">("");
  const deferredSearch = useDeferredValue(search.trim());
  const ids = { search: useId(), tenant: useId() };

  const filter = {
    ...(deferredSearch ? { search: deferredSearch } : {}),
    ...(status ? { status } : {}),
    ...(syncStatus ? { syncStatus } : {}),
    ...(tenantId ? { tenantId } : {}),
    ...(provider ? { provider } : {}),
    ...(tier ? { tier } : {}),
  };
  const connections = useQuery({
    ...trpc.connections.list.queryOptions(filter),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  const filtered = Object.keys(filter).length > 0;
  const rows = connections.data ?? [];
  const canOperate = user.role !== "viewer";

  return (
    <section aria-labelledby="connections-heading">
      <PageHeader
        id="connections-heading"
        title="Connections"
        subtitle="Every tenant's provider accounts and how fresh their data is."
      />
      {connections.data ? <Summary rows={rows} /> : null}

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
        <div className="field">
          <label htmlFor={ids.tenant}>Tenant</label>
          <select id={ids.tenant} value={tenantId} onChange={(event) => setTenantId(event.target.value)}>
            <option value="">All tenants</option>
            {tenants.data?.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </select>
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
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Summary({ rows }: { rows: Connection[] }) {
  const counts = { ok: 0, running: 0, pending: 0, failed: 0, paused: 0 };
  for (const row of rows) {
    counts[row.sync_status] += 1;
    if (row.status === "paused") counts.paused += 1;
  }
  const items: [string, number, string][] = [
    ["Shown", rows.length, ""],
    ["Healthy", counts.ok, "success"],
    ["Running", counts.running, "info"],
    ["Pending", counts.pending, "neutral"],
    ["Failed", counts.failed, "danger"],
    ["Paused", counts.paused, "warning"],
  ];
  return (
    <ul className="summary" aria-label="Connection summary">
      {items.map(([label, value, tone]) => (
        <li key={label} className={tone ? `stat stat-${tone}` : "stat"}>
          <span className="stat-value">{value}</span>
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
}: {
  connection: Connection;
  now: number;
  canOperate: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const label = `${connection.tenant_name} / ${connection.name}`;

  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.runs.list.queryKey() }),
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
      <td className="nowrap">{connection.tenant_name}</td>
      <td>
        <Badge value={connection.tier} />
      </td>
      <td>
        <code className="provider">{connection.provider}</code>
      </td>
      <td className="nowrap">
        <a href={hrefFor({ page: "runs", connectionId: connection.id })} title="Show this connection's runs">
          {connection.name}
        </a>
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
