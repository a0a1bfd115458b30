import type { AppRouter } from "@synchub/api";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type inferRouterClient, TRPCClientError } from "@trpc/client";
import { type FormEvent, Fragment, type ReactNode, useId, useState } from "react";
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
import { useUser } from "../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type PacingKey = Awaited<ReturnType<Client["rateLimits"]["list"]["query"]>>["items"][number];
type KeyTotals = Awaited<ReturnType<Client["rateLimits"]["summary"]["query"]>>;
type ProviderSettings = Awaited<ReturnType<Client["rateLimits"]["providers"]["query"]>>[number];

export function RateLimitsPage() {
  const user = useUser();
  const trpc = useTRPC();
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

  return (
    <section aria-labelledby="rate-limits-heading">
      <PageHeader
        id="rate-limits-heading"
        title="Rate limits"
        subtitle="Pacing shared by every worker through Postgres: one key per provider, and per credential where configured."
      />
      {totals.data ? <Totals totals={totals.data} /> : null}

      <h2 id="pacing-heading">Pacing keys</h2>
      {keys.isError ? (
        <ErrorBanner>Could not load rate limits: {errorMessage(keys.error)}</ErrorBanner>
      ) : null}
      {keys.isPending ? (
        <Loading label="Loading rate limits…" />
      ) : rows.length === 0 ? (
        <EmptyState title="No pacing keys yet">
          A key appears with the first call a worker makes to a provider.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-labelledby="pacing-heading">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col" className="num">
                    Interval
                  </th>
                  <th scope="col">Used this hour / cap</th>
                  <th scope="col">Next allowed</th>
                  <th scope="col">Paused until</th>
                  <th scope="col" className="num">
                    Deferrals
                  </th>
                  <th scope="col" className="num">
                    429s
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <KeyRow key={row.key} row={row} now={now} />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore query={keys} shown={rows.length} total={totals.data?.keys} one="key" many="keys" />
        </>
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
        <ProviderTable rows={providers.data} now={now} canEdit={user.role === "admin"} />
      )}
    </section>
  );
}

/** Summed by the server over every key, not just the loaded ones. */
function Totals({ totals }: { totals: KeyTotals }) {
  const { keys, paused, deferrals, throttled } = totals;
  const items: [string, string, string][] = [
    ["Pacing keys", count(keys), "info"],
    ["Paused now", count(paused), paused > 0 ? "warning" : "success"],
    ["Deferrals", count(deferrals), ""],
    ["429 responses", count(throttled), throttled > 0 ? "danger" : ""],
  ];
  return (
    <ul className="summary summary-4" aria-label="Rate limit summary">
      {items.map(([label, value, tone]) => (
        <li key={label} className={tone ? `stat stat-${tone}` : "stat"}>
          <span className="stat-value">{value}</span>
          <span className="stat-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

/** A credential key links to its connection's runs, named by the server's join where it has one. */
function keyLabel(row: PacingKey): ReactNode {
  const [kind, id = ""] = row.key.split(/:(.*)/s);
  if (kind === "credential") {
    return (
      <>
        <code className="provider">credential</code>{" "}
        <Link to="/runs" search={{ connection: id }} title={row.key}>
          {row.subject_name ?? id}
        </Link>
      </>
    );
  }
  return <code className="provider">{row.key}</code>;
}

function KeyRow({ row, now }: { row: PacingKey; now: number }) {
  const used = Math.max(0, row.hourly_cap - row.remainingThisHour);
  const share = row.hourly_cap > 0 ? Math.min(1, used / row.hourly_cap) : 0;
  const meterTone = share >= 0.9 ? "danger" : share >= 0.7 ? "warning" : "ok";
  // A key never granted a call keeps Postgres' '-infinity', which reaches the browser as a number
  // rather than a Date: it means no wait.
  const nextAllowed: unknown = row.next_allowed_at;
  const paced = nextAllowed instanceof Date ? nextAllowed.getTime() : 0;
  // A pause holds every call back too, whatever the pace says.
  const nextAt = Math.max(paced, row.paused && row.paused_until ? row.paused_until.getTime() : 0);
  const throttled = Number(row.throttled);
  return (
    <tr className={row.paused ? "row-paused" : undefined}>
      <td className="nowrap">{keyLabel(row)}</td>
      <td className="num">{duration(row.min_interval_ms)}</td>
      <td>
        <div className="meter-cell">
          <span className="meter" aria-hidden="true">
            <span className={`meter-fill meter-${meterTone}`} style={{ width: `${share * 100}%` }} />
          </span>
          <span className="num-inline">
            {count(used)} / {count(row.hourly_cap)}
          </span>
        </div>
        <div className={row.remainingThisHour <= 0 ? "cell-note text-danger" : "cell-note"}>
          {count(Math.max(0, row.remainingThisHour))} remaining
        </div>
      </td>
      <td>
        {nextAt > now ? <TimeAgo date={new Date(nextAt)} now={now} /> : <span className="muted">now</span>}
      </td>
      <td>
        {row.paused && row.paused_until ? (
          <>
            <div className="paused-line">
              <Badge value="paused" /> <TimeAgo date={row.paused_until} now={now} />
            </div>
            {row.pause_reason ? <div className="cell-note">{row.pause_reason}</div> : null}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num">{count(Number(row.deferrals))}</td>
      <td className={throttled > 0 ? "num text-warning" : "num"}>{count(throttled)}</td>
    </tr>
  );
}

function ProviderTable({ rows, now, canEdit }: { rows: ProviderSettings[]; now: number; canEdit: boolean }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (rows.length === 0) {
    return (
      <EmptyState title="No providers configured">Provider settings are added by migrations.</EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table-middle">
        <caption className="visually-hidden">Provider settings</caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col" className="num">
              Min interval
            </th>
            <th scope="col" className="num">
              Hourly cap
            </th>
            <th scope="col" className="num">
              Max concurrency
            </th>
            <th scope="col">Updated</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const open = editing === row.provider;
            return (
              <Fragment key={row.provider}>
                <tr className={open ? "selected" : undefined}>
                  <td>
                    <code className="provider">{row.provider}</code>
                  </td>
                  <td className="num">{duration(row.min_interval_ms)}</td>
                  <td className="num">{count(row.hourly_cap)}</td>
                  <td className="num">{count(row.max_concurrency)}</td>
                  <td>
                    <TimeAgo date={row.updated_at} now={now} />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit: ${row.provider}`}
                      aria-expanded={open}
                      title={canEdit ? undefined : "Needs the admin role"}
                      disabled={!canEdit}
                      onClick={() => setEditing(open ? null : row.provider)}
                    >
                      {open ? "Close" : "Edit"}
                    </button>
                  </td>
                </tr>
                {open ? (
                  <tr className="detail-row">
                    <td colSpan={6}>
                      <ProviderForm row={row} onClose={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Validation issues by field, from a tRPC BAD_REQUEST (`data.issues`). */
function issuesOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const issues = (error.data?.issues ?? []) as { path: string; message: string }[];
  return Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
}

/** An empty box is "no number", which the server names as such, rather than a silent 0. */
function numberOf(value: string): number {
  return value.trim() === "" ? Number.NaN : Number(value);
}

function ProviderForm({ row, onClose }: { row: ProviderSettings; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { interval: useId(), cap: useId(), concurrency: useId() };
  const [interval, setMinInterval] = useState(String(row.min_interval_ms));
  const [cap, setCap] = useState(String(row.hourly_cap));
  const [concurrency, setConcurrency] = useState(String(row.max_concurrency));
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.rateLimits.updateProvider.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.rateLimits.pathKey() });
      },
    }),
  );
  const issues = issuesOf(update.error);
  const otherError = update.error && Object.keys(issues).length === 0 ? update.error : null;

  const edited = () => {
    setSaved(false);
    if (update.error) update.reset();
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    update.mutate({
      provider: row.provider,
      minIntervalMs: numberOf(interval),
      hourlyCap: numberOf(cap),
      maxConcurrency: numberOf(concurrency),
    });
  }

  const fields: {
    id: string;
    name: "minIntervalMs" | "hourlyCap" | "maxConcurrency";
    label: string;
    value: string;
    set: (value: string) => void;
  }[] = [
    {
      id: ids.interval,
      name: "minIntervalMs",
      label: "Min interval (ms)",
      value: interval,
      set: setMinInterval,
    },
    { id: ids.cap, name: "hourlyCap", label: "Hourly cap (calls)", value: cap, set: setCap },
    {
      id: ids.concurrency,
      name: "maxConcurrency",
      label: "Max concurrency (syncs)",
      value: concurrency,
      set: setConcurrency,
    },
  ];

  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Settings of ${row.provider}`} noValidate>
      {otherError ? <ErrorBanner>{errorMessage(otherError)}</ErrorBanner> : null}
      <div className="form-row">
        {fields.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={field.id}>{field.label}</label>
            <input
              id={field.id}
              name={field.name}
              type="number"
              inputMode="numeric"
              step={1}
              value={field.value}
              onChange={(event) => {
                edited();
                field.set(event.target.value);
              }}
              aria-invalid={issues[field.name] ? true : undefined}
              aria-describedby={issues[field.name] ? `${field.id}-issue` : undefined}
            />
            {issues[field.name] ? (
              <span id={`${field.id}-issue`} className="field-issue" role="alert">
                {issues[field.name]}
              </span>
            ) : null}
          </div>
        ))}
      </div>
      <div className="button-row button-row-start">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save"}
        </button>
        <button type="button" className="button button-ghost" onClick={onClose}>
          {saved ? "Close" : "Cancel"}
        </button>
        {saved ? (
          <output className="text-success form-note">
            Saved: workers pace with the new settings from their next call.
          </output>
        ) : null}
      </div>
    </form>
  );
}
