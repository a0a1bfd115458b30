import { useInfiniteQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Badge, ErrorBanner, Loading, liveWhileShort, TimeAgo } from "../../components/ui.tsx";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { DiscardForm } from "./DiscardForm.tsx";
import { LetterTable } from "./LetterTable.tsx";
import { PermanentWarning } from "./PermanentWarning.tsx";
import { classTones, type Group, READ_ONLY, type Selection, targetsOf } from "./types.ts";
import { plural, useLetterActions } from "./useLetterActions.ts";

/**
 * One cause of failure: its open letters, the latest error, replay and discard of the whole group
 * or of selected letters. A permanent group warns before it is replayed.
 */
export function GroupCard({
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
  const [confirming, setConfirming] = useState<Selection | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { replay, discard } = useLetterActions(onDone);
  const permanent = group.error_class === "permanent";
  const letters = useInfiniteQuery({
    ...trpc.deadLetters.list.infiniteQueryOptions(
      { status: "open", fingerprint: group.fingerprint, limit: 100 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    // The warning names the group's targets, so it reads the letters too.
    enabled: expanded || confirming !== null,
  });
  const letterRows = letters.data?.pages.flatMap((page) => page.items) ?? [];

  // Letters replayed or discarded elsewhere leave the selection as the list refreshes.
  const openIds = new Set(letterRows.map((letter) => letter.id));
  const chosen = [...selected].filter((id) => openIds.has(id));
  const chosenSet = new Set(chosen);
  const size = Number(group.count);
  const busy = replay.isPending || discard.isPending;
  const label = `${group.task} (${group.fingerprint})`;

  function startReplay(selection: Selection) {
    setDiscarding(null);
    discard.reset();
    const needsConfirm =
      "fingerprint" in selection
        ? permanent
        : letterRows.some((letter) => selection.ids.includes(letter.id) && letter.permanent);
    if (needsConfirm) setConfirming(selection);
    else runReplay(selection);
  }

  function runReplay(selection: Selection) {
    replay.mutate(selection, {
      onSuccess: () => {
        setConfirming(null);
        setSelected(new Set());
      },
    });
  }

  function startDiscard(selection: Selection) {
    discard.reset();
    replay.reset();
    setConfirming(null);
    setDiscarding(selection);
  }

  const warnedTargets = confirming
    ? targetsOf(
        "fingerprint" in confirming
          ? letterRows
          : letterRows.filter((letter) => confirming.ids.includes(letter.id)),
      )
    : [];

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
            aria-expanded={permanent ? confirming !== null && "fingerprint" in confirming : undefined}
            title={canOperate ? "Re-enqueue every letter of this group" : READ_ONLY}
            disabled={busy || !canOperate}
            onClick={() => startReplay({ fingerprint: group.fingerprint })}
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

      {confirming ? (
        <PermanentWarning targets={warnedTargets}>
          <div className="button-row button-row-start">
            <button
              type="button"
              className="button button-danger button-small"
              disabled={replay.isPending}
              onClick={() => runReplay(confirming)}
            >
              {replay.isPending
                ? "Replaying…"
                : "fingerprint" in confirming
                  ? `Replay all ${plural(size, "letter")} anyway`
                  : `Replay ${plural(confirming.ids.length, "selected letter")} anyway`}
            </button>
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setConfirming(null)}
            >
              Cancel
            </button>
          </div>
        </PermanentWarning>
      ) : null}
      {discarding ? (
        <DiscardForm
          key={"fingerprint" in discarding ? discarding.fingerprint : discarding.ids.join(",")}
          selection={discarding}
          title={
            "fingerprint" in discarding
              ? `Reason to discard ${size === 1 ? "the letter" : `all ${plural(size, "letter")}`} of this group`
              : `Reason to discard the ${plural(discarding.ids.length, "selected letter")}`
          }
          submitLabel={"fingerprint" in discarding ? "Discard group" : "Discard selected"}
          discard={discard}
          onCancel={() => {
            setDiscarding(null);
            discard.reset();
          }}
          onDone={() => {
            setDiscarding(null);
            setSelected(new Set());
          }}
        />
      ) : null}
      {replay.error ? <ErrorBanner>{errorMessage(replay.error)}</ErrorBanner> : null}

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
                  onClick={() => startReplay({ ids: chosen })}
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
                canOperate={canOperate}
                onDone={onDone}
                paging={{ query: letters, total: size }}
                empty={{ title: "No open letters left in this group" }}
                selection={{
                  chosen: chosenSet,
                  toggle: (id) =>
                    setSelected((previous) => {
                      const next = new Set(previous);
                      if (next.has(id)) next.delete(id);
                      else next.add(id);
                      return next;
                    }),
                  setAll: (ids) => setSelected(new Set(ids)),
                }}
              />
            </>
          )}
        </div>
      ) : null}
    </article>
  );
}
