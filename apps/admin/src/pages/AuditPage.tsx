import type { AppRouter } from "@synchub/api";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { inferRouterClient } from "@trpc/client";
import { useDeferredValue, useId, useState } from "react";
import {
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  liveWhileShort,
  PageHeader,
  TimeAgo,
} from "../components/ui.tsx";
import { useNow } from "../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type Entry = Awaited<ReturnType<Client["audit"]["list"]["query"]>>["items"][number];

/** Object types the API writes today; the filter also accepts any other. */
const knownObjectTypes = ["api_token", "connection", "dead_letter", "provider", "schedule", "user"];

/** Action filters offered; one ending in a dot matches the whole family. Any other may be typed. */
const knownActions = [
  { value: "auth.", label: "Every login, failed login and lockout" },
  { value: "auth.login", label: "Successful logins" },
  { value: "auth.login_failed", label: "Failed logins" },
  { value: "auth.lockout", label: "Lockouts after repeated failures" },
  { value: "connection.", label: "Connection changes" },
  { value: "dead_letter.", label: "Dead letter replays and discards" },
  { value: "quota.", label: "Quota resets" },
];

export function AuditPage() {
  const trpc = useTRPC();
  const now = useNow();
  const ids = {
    type: useId(),
    object: useId(),
    actor: useId(),
    types: useId(),
    action: useId(),
    actions: useId(),
  };
  const [objectType, setObjectType] = useState("");
  const [objectId, setObjectId] = useState("");
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  // Typing in a filter box should not fire a request per keystroke while the list is long.
  const filter = useDeferredValue({
    ...(objectType.trim() ? { objectType: objectType.trim() } : {}),
    ...(objectId.trim() ? { objectId: objectId.trim() } : {}),
    ...(actor.trim() ? { actor: actor.trim() } : {}),
    ...(action.trim() ? { action: action.trim() } : {}),
    limit: 100,
  });
  const entries = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(filter, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
  });
  const rows = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(objectType || objectId || actor || action);

  return (
    <section aria-labelledby="audit-heading">
      <PageHeader
        id="audit-heading"
        title="Audit log"
        subtitle="Every change made through the console or the API, and every login attempt with its address: who, what, to which object. Newest first, a hundred at a time."
      />
      <search className="toolbar">
        <div className="field">
          <label htmlFor={ids.type}>Object type</label>
          <input
            id={ids.type}
            list={ids.types}
            placeholder="Any type"
            value={objectType}
            onChange={(event) => setObjectType(event.target.value)}
          />
          <datalist id={ids.types}>
            {knownObjectTypes.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </div>
        <div className="field field-grow">
          <label htmlFor={ids.object}>Object id</label>
          <input
            id={ids.object}
            type="search"
            placeholder="Exact id"
            value={objectId}
            onChange={(event) => setObjectId(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.action}>Action</label>
          <input
            id={ids.action}
            list={ids.actions}
            placeholder="Any action, or auth."
            value={action}
            onChange={(event) => setAction(event.target.value)}
          />
          <datalist id={ids.actions}>
            {knownActions.map((known) => (
              <option key={known.value} value={known.value} label={known.label} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.actor}>Actor</label>
          <input
            id={ids.actor}
            type="search"
            placeholder="admin, token:billing-service"
            value={actor}
            onChange={(event) => setActor(event.target.value)}
          />
        </div>
      </search>

      {entries.isError ? (
        <ErrorBanner>Could not load the audit log: {errorMessage(entries.error)}</ErrorBanner>
      ) : null}
      {entries.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? "No entries match these filters" : "Nothing audited yet"}>
          {filtered
            ? "Filters match exactly; clear one to see more."
            : "Changes appear here as people make them."}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Audit log entries</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Object</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} now={now} onPick={setObjectId} onActor={setActor} />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore query={entries} shown={rows.length} one="entry" many="entries" />
        </>
      )}
    </section>
  );
}

function AuditRow({
  entry,
  now,
  onPick,
  onActor,
}: {
  entry: Entry;
  now: number;
  onPick: (id: string) => void;
  onActor: (actor: string) => void;
}) {
  const details = entry.details as Record<string, unknown> | null;
  const hasDetails = details !== null && typeof details === "object" && Object.keys(details).length > 0;
  return (
    <tr>
      <td className="nowrap">
        <TimeAgo date={entry.at} now={now} />
      </td>
      <td>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => onActor(entry.actor)}
        >
          {entry.actor}
        </button>
      </td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>
        <span className="muted">{entry.object_type}</span>
        {entry.object_id ? (
          <div>
            <button
              type="button"
              className="button button-small button-ghost"
              title="Show only this object"
              onClick={() => onPick(entry.object_id ?? "")}
            >
              <code>{entry.object_id}</code>
            </button>
          </div>
        ) : null}
      </td>
      <td>
        {hasDetails ? (
          <pre className="code-block audit-details">{JSON.stringify(details, null, 2)}</pre>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
