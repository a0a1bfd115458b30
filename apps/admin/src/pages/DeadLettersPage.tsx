import type { AppRouter } from "@synchub/api";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type inferRouterClient, TRPCClientError } from "@trpc/client";
import { Fragment, useId, useState } from "react";
import { ReasonForm } from "../components/ReasonForm.tsx";
import {
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  liveWhileShort,
  PageHeader,
  TimeAgo,
  type Tone,
  useFlashNotice,
} from "../components/ui.tsx";
import { count, exactTime, useNow } from "../format.ts";
import { useUser } from "../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type Group = Awaited<ReturnType<Client["deadLetters"]["groups"]["query"]>>["items"][number];
type Letter = Awaited<ReturnType<Client["deadLetters"]["list"]["query"]>>["items"][number];
type LetterStatus = Letter["status"];
type Selection = { ids: string[] } | { fingerprint: string };

const letterStatuses: LetterStatus[] = ["open", "replaying", "resolved", "discarded"];
const statusTones: Record<LetterStatus, Tone> = {
  open: "danger",
  replaying: "info",
  resolved: "success",
  discarded: "neutral",
};
const classTones: Record<Letter["error_class"], Tone> = { permanent: "danger", transient: "warning" };
const READ_ONLY = "Needs the operator role";

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** The discard reason's own validation issue, from a tRPC BAD_REQUEST. */
function reasonIssue(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const issues = (error.data?.issues ?? []) as { path: string; message: string }[];
  return issues.find((issue) => issue.path === "reason")?.message;
}

export function DeadLettersPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const statusId = useId();
  const [status, setStatus] = useState<LetterStatus | "">("open");
  const [notice, setNotice] = useFlashNotice(8_000);
  const canOperate = user.role !== "viewer";

  const groups = useInfiniteQuery({
    ...trpc.deadLetters.groups.infiniteQueryOptions({}, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    enabled: status === "open",
  });
  const open = useQuery({
    ...trpc.deadLetters.summary.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
    enabled: status === "open",
  });
  const letters = useInfiniteQuery({
    ...trpc.deadLetters.list.infiniteQueryOptions(status ? { status } : {}, {
      getNextPageParam: (page) => page.nextCursor,
    }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    enabled: status !== "open",
    placeholderData: (previous) => previous,
  });

  const groupRows = groups.data?.pages.flatMap((page) => page.items) ?? [];
  const letterRows = letters.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="dead-letters-heading">
      <PageHeader
        id="dead-letters-heading"
        title="Dead letters"
        subtitle="Jobs that failed for good, grouped by cause. Replay them once the cause is fixed, or discard them with a reason."
      />
      <div className="toolbar">
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select
            id={statusId}
            value={status}
            onChange={(event) => setStatus(event.target.value as LetterStatus | "")}
          >
            <option value="open">open, grouped by cause</option>
            {letterStatuses
              .filter((value) => value !== "open")
              .map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            <option value="">any status</option>
          </select>
        </div>
        {status === "open" && open.data ? (
          <p className="muted toolbar-note">
            {plural(open.data.letters, "open dead letter")} in {plural(open.data.groups, "group")}
            {canOperate ? null : " · replay and discard need the operator role"}
          </p>
        ) : null}
      </div>
      {notice ? (
        <output className="notice" aria-live="polite">
          {notice}
        </output>
      ) : null}

      {status === "open" ? (
        groups.isError ? (
          <ErrorBanner>Could not load dead letters: {errorMessage(groups.error)}</ErrorBanner>
        ) : groups.isPending ? (
          <Loading label="Loading dead letters…" />
        ) : groupRows.length === 0 ? (
          <EmptyState title="No open dead letters">
            Every job that failed for good has been replayed or discarded. Pick another status to see them.
          </EmptyState>
        ) : (
          <>
            <div className="group-list">
              {groupRows.map((group) => (
                <GroupCard
                  key={`${group.fingerprint} ${group.task} ${group.error_class}`}
                  group={group}
                  now={now}
                  canOperate={canOperate}
                  onDone={setNotice}
                />
              ))}
            </div>
            <LoadMore
              query={groups}
              shown={groupRows.length}
              total={open.data?.groups}
              one="group"
              many="groups"
            />
          </>
        )
      ) : letters.isError ? (
        <ErrorBanner>Could not load dead letters: {errorMessage(letters.error)}</ErrorBanner>
      ) : letters.isPending ? (
        <Loading label="Loading dead letters…" />
      ) : letterRows.length === 0 ? (
        <EmptyState title={status ? `No ${status} dead letters` : "No dead letters"}>
          Dead letters appear here when a job fails permanently or runs out of retries.
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <LetterTable rows={letterRows} now={now} showTask />
          </div>
          <LoadMore query={letters} shown={letterRows.length} one="dead letter" many="dead letters" />
        </>
      )}
    </section>
  );
}

/** Replay and discard of a selection, with the outcome told to the page. */
function useActions(onDone: (message: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() }),
    ]);
  const replay = useMutation(
    trpc.deadLetters.replay.mutationOptions({
      onSuccess: async ({ replayed }) => {
        onDone(
          `Replayed ${plural(replayed.length, "dead letter")}: back in the queue with the original payload.`,
        );
        await refresh();
      },
    }),
  );
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      onSuccess: async ({ discarded }) => {
        onDone(`Discarded ${plural(discarded.length, "dead letter")}.`);
        await refresh();
      },
    }),
  );
  return { replay, discard };
}

function GroupCard({
  group,
  now,
  canOperate,
  onDone,
}: {
  group: Group;
  now: number;
  canOperate: boolean;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const lettersId = useId();
  const [expanded, setExpanded] = useState(false);
  const [discarding, setDiscarding] = useState<Selection | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { replay, discard } = useActions(onDone);
  const letters = useInfiniteQuery({
    ...trpc.deadLetters.list.infiniteQueryOptions(
      { status: "open", fingerprint: group.fingerprint, limit: 100 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    enabled: expanded,
  });
  const letterRows = letters.data?.pages.flatMap((page) => page.items) ?? [];

  // Letters replayed or discarded elsewhere leave the selection as the list refreshes.
  const openIds = new Set(letterRows.map((letter) => letter.id));
  const chosen = [...selected].filter((id) => openIds.has(id));
  const size = Number(group.count);
  const busy = replay.isPending || discard.isPending;
  const error = replay.error ?? (reasonIssue(discard.error) ? null : discard.error);
  const label = `${group.task} (${group.fingerprint})`;

  function toggle(id: string) {
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function startDiscard(selection: Selection) {
    discard.reset();
    replay.reset();
    setDiscarding(selection);
  }

  return (
    <article
      className={`card group-card group-${group.error_class}`}
      aria-label={`Dead letter group ${label}`}
    >
      <div className="group-head">
        <div className="group-title">
          <code className="provider">{group.task}</code>
          <Badge value={group.error_class} tone={classTones[group.error_class]} />
          <strong>{plural(size, "letter")}</strong>
          <span className="muted">
            fingerprint <code>{group.fingerprint}</code>
          </span>
        </div>
        <div className="button-row">
          <button
            type="button"
            className="button button-primary button-small"
            aria-label={`Replay group: ${label}`}
            title={canOperate ? "Re-enqueue every letter of this group" : READ_ONLY}
            disabled={busy || !canOperate}
            onClick={() => {
              setDiscarding(null);
              replay.mutate({ fingerprint: group.fingerprint });
            }}
          >
            {replay.isPending && !("ids" in (replay.variables ?? {})) ? "Replaying…" : "Replay group"}
          </button>
          <button
            type="button"
            className="button button-small"
            aria-label={`Discard group: ${label}`}
            title={canOperate ? "Close every letter of this group with a reason" : READ_ONLY}
            disabled={busy || !canOperate}
            onClick={() => startDiscard({ fingerprint: group.fingerprint })}
          >
            Discard group
          </button>
        </div>
      </div>
      <p className="group-meta muted">
        First failed <TimeAgo date={group.first_failed_at} now={now} /> · last failed{" "}
        <TimeAgo date={group.last_failed_at} now={now} />
      </p>
      <pre className="error-text error-sample">{group.sample_error}</pre>

      {discarding ? (
        <ReasonForm
          title={
            "fingerprint" in discarding
              ? `Reason to discard ${size === 1 ? "the letter" : `all ${plural(size, "letter")}`} of this group`
              : `Reason to discard the ${plural(discarding.ids.length, "selected letter")}`
          }
          submitLabel={"fingerprint" in discarding ? "Discard group" : "Discard selected"}
          pending={discard.isPending}
          issue={reasonIssue(discard.error)}
          onCancel={() => {
            setDiscarding(null);
            discard.reset();
          }}
          onSubmit={(reason) =>
            discard.mutate(
              { ...discarding, reason },
              {
                onSuccess: () => {
                  setDiscarding(null);
                  setSelected(new Set());
                },
              },
            )
          }
        />
      ) : null}
      {error ? <ErrorBanner>{errorMessage(error)}</ErrorBanner> : null}

      <button
        type="button"
        className="button button-ghost button-small disclosure"
        aria-expanded={expanded}
        aria-controls={lettersId}
        onClick={() => setExpanded((value) => !value)}
      >
        <span className="disclosure-mark" aria-hidden="true" />
        {expanded ? "Hide letters" : `Show ${plural(size, "letter")}`}
      </button>

      {expanded ? (
        <div id={lettersId} className="group-letters">
          {letters.isError ? (
            <ErrorBanner>Could not load the letters: {errorMessage(letters.error)}</ErrorBanner>
          ) : letters.isPending ? (
            <Loading label="Loading letters…" />
          ) : (
            <>
              <div className="selection-bar">
                <span className="muted">
                  {chosen.length > 0
                    ? `${plural(chosen.length, "letter")} selected`
                    : "Select letters to act on"}
                </span>
                <button
                  type="button"
                  className="button button-small"
                  title={canOperate ? undefined : READ_ONLY}
                  disabled={busy || !canOperate || chosen.length === 0}
                  onClick={() => {
                    setDiscarding(null);
                    replay.mutate({ ids: chosen }, { onSuccess: () => setSelected(new Set()) });
                  }}
                >
                  {replay.isPending && "ids" in (replay.variables ?? {}) ? "Replaying…" : "Replay selected"}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  title={canOperate ? undefined : READ_ONLY}
                  disabled={busy || !canOperate || chosen.length === 0}
                  onClick={() => startDiscard({ ids: chosen })}
                >
                  Discard selected
                </button>
              </div>
              <LetterTable
                rows={letterRows}
                now={now}
                selection={{ chosen: new Set(chosen), toggle, set: setSelected, disabled: !canOperate }}
              />
              <LoadMore query={letters} shown={letterRows.length} total={size} one="letter" many="letters" />
            </>
          )}
        </div>
      ) : null}
    </article>
  );
}

function LetterTable({
  rows,
  now,
  showTask = false,
  selection,
}: {
  rows: Letter[];
  now: number;
  showTask?: boolean;
  selection?: {
    chosen: Set<string>;
    toggle: (id: string) => void;
    set: (ids: Set<string>) => void;
    disabled: boolean;
  };
}) {
  const [open, setOpen] = useState<string | null>(null);
  const allChosen =
    selection !== undefined && rows.length > 0 && rows.every((r) => selection.chosen.has(r.id));
  const columns = 7 + (selection ? 1 : 0) + (showTask ? 1 : 0);

  return (
    <table>
      <caption className="visually-hidden">Dead letters</caption>
      <thead>
        <tr>
          {selection ? (
            <th scope="col" className="check">
              <input
                type="checkbox"
                aria-label="Select all letters"
                checked={allChosen}
                disabled={selection.disabled}
                onChange={() => selection.set(allChosen ? new Set() : new Set(rows.map((row) => row.id)))}
              />
            </th>
          ) : null}
          <th scope="col">Id</th>
          {showTask ? <th scope="col">Task</th> : null}
          <th scope="col">Connection</th>
          <th scope="col">Error</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Last failed</th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="visually-hidden">Payload</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((letter) => {
          const shown = open === letter.id;
          // Named by the server's join; a target that is not a connection's shows its id.
          const connection = letter.connection_name
            ? `${letter.tenant_name} / ${letter.connection_name}`
            : letter.connection_id;
          return (
            <Fragment key={letter.id}>
              <tr className={selection?.chosen.has(letter.id) ? "selected" : undefined}>
                {selection ? (
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={`Select dead letter ${letter.id}`}
                      checked={selection.chosen.has(letter.id)}
                      disabled={selection.disabled}
                      onChange={() => selection.toggle(letter.id)}
                    />
                  </td>
                ) : null}
                <td className="nowrap">#{letter.id}</td>
                {showTask ? (
                  <td>
                    <code className="provider">{letter.task}</code>
                  </td>
                ) : null}
                <td className="nowrap">{connection ?? <span className="muted">none</span>}</td>
                <td className="error-cell">
                  <span className="text-danger" title={letter.error}>
                    {letter.error}
                  </span>
                </td>
                <td className="num">{count(letter.attempts)}</td>
                <td>
                  <TimeAgo date={letter.last_failed_at} now={now} />
                </td>
                <td>
                  <Badge value={letter.status} tone={statusTones[letter.status]} />
                  {letter.closed_at ? (
                    <div className="cell-note">
                      {letter.closed_by ? `by ${letter.closed_by}, ` : ""}
                      <TimeAgo date={letter.closed_at} now={now} />
                    </div>
                  ) : null}
                  {letter.discard_reason ? <div className="cell-note">“{letter.discard_reason}”</div> : null}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    aria-expanded={shown}
                    aria-label={`${shown ? "Hide" : "Show"} payload of dead letter ${letter.id}`}
                    onClick={() => setOpen(shown ? null : letter.id)}
                  >
                    {shown ? "Hide payload" : "Payload"}
                  </button>
                </td>
              </tr>
              {shown ? (
                <tr className="detail-row">
                  <td colSpan={columns}>
                    <LetterDetail letter={letter} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function LetterDetail({ letter }: { letter: Letter }) {
  return (
    <div className="letter-detail">
      <div>
        <h3>Payload</h3>
        <pre className="code-block">{JSON.stringify(letter.payload, null, 2)}</pre>
      </div>
      <div>
        <h3>Error</h3>
        <pre className="error-text">{letter.error}</pre>
        <dl className="facts letter-facts">
          <div className="fact">
            <dt>First failed</dt>
            <dd>{exactTime(letter.first_failed_at)}</dd>
          </div>
          <div className="fact">
            <dt>Job key</dt>
            <dd>{letter.job_key ? <code>{letter.job_key}</code> : <span className="muted">none</span>}</dd>
          </div>
          <div className="fact">
            <dt>Auto retries</dt>
            <dd>
              {letter.auto_retries}
              {letter.next_auto_retry_at ? (
                <span className="muted"> (next {exactTime(letter.next_auto_retry_at)})</span>
              ) : null}
            </dd>
          </div>
        </dl>
      </div>
    </div>
  );
}
