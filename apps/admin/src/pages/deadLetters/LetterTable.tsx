import { useMemo, useState } from "react";
import { DataTable, type PagedQuery } from "../../components/table/DataTable.tsx";
import { ErrorBanner } from "../../components/ui.tsx";
import { errorMessage } from "../../trpc.ts";
import styles from "./DeadLetters.module.css";
import { DiscardForm } from "./DiscardForm.tsx";
import { LetterDetail } from "./LetterDetail.tsx";
import { letterColumns, type Panel } from "./letterColumns.tsx";
import { PauseTargetForm } from "./PauseTargetForm.tsx";
import { PermanentWarning } from "./PermanentWarning.tsx";
import { type Letter, targetOf } from "./types.ts";
import { useLetterActions } from "./useLetterActions.ts";

/**
 * Dead letters, one a row, each with its own replay, discard and pause of its target. A permanent
 * letter's replay first says why it will fail again, and replays only when confirmed.
 */
export function LetterTable({
  rows,
  now,
  showTask = false,
  canOperate,
  paging,
  empty,
  selection,
  onDone,
}: {
  rows: Letter[];
  now: number;
  showTask?: boolean;
  canOperate: boolean;
  paging: { query: PagedQuery; total?: number };
  empty: { title: string; body?: string };
  selection?: { chosen: Set<string>; toggle: (id: string) => void; setAll: (ids: string[]) => void };
  onDone: (message: string) => void;
}) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const { replay, discard } = useLetterActions(onDone);
  const replaying =
    replay.isPending && replay.variables && "ids" in replay.variables ? replay.variables.ids[0] : null;

  const replayNow = (letter: Letter) => {
    discard.reset();
    replay.mutate({ ids: [letter.id] }, { onSuccess: () => setPanel(null) });
  };
  const columns = useMemo(
    () =>
      letterColumns({
        now,
        showTask,
        canOperate,
        panel,
        setPanel,
        replaying: replaying ?? null,
        onReplay: (letter) =>
          letter.permanent
            ? setPanel(
                panel?.id === letter.id && panel.kind === "replay" ? null : { id: letter.id, kind: "replay" },
              )
            : replayNow(letter),
        ...(selection ? { selection: { ...selection, rows } } : {}),
      }),
    [now, showTask, canOperate, panel, replaying, selection, rows],
  );

  function detail(letter: Letter) {
    if (panel?.id !== letter.id) return null;
    const target = targetOf(letter);
    const close = () => setPanel(null);
    switch (panel.kind) {
      case "payload":
        return <LetterDetail letter={letter} />;
      case "discard":
        return (
          <DiscardForm
            selection={{ ids: [letter.id] }}
            title={`Reason to discard dead letter #${letter.id}`}
            submitLabel="Discard letter"
            discard={discard}
            onDone={close}
            onCancel={close}
          />
        );
      case "pause":
        return target ? (
          <PauseTargetForm
            target={target}
            onCancel={close}
            onDone={(message) => {
              onDone(message);
              close();
            }}
          />
        ) : null;
      case "replay":
        return (
          <PermanentWarning targets={target ? [target] : []}>
            <div className="button-row button-row-start">
              <button
                type="button"
                className="button button-danger button-small"
                disabled={replay.isPending}
                onClick={() => replayNow(letter)}
              >
                {replay.isPending ? "Replaying…" : "Replay anyway"}
              </button>
              {target && letter.target_status !== "paused" ? (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setPanel({ id: letter.id, kind: "pause" })}
                >
                  Pause target instead
                </button>
              ) : null}
              <button type="button" className="button button-ghost button-small" onClick={close}>
                Cancel
              </button>
            </div>
            {replay.error ? <ErrorBanner>{errorMessage(replay.error)}</ErrorBanner> : null}
          </PermanentWarning>
        );
    }
  }

  return (
    <div className={styles.panel}>
      {replay.error && panel?.kind !== "replay" ? (
        <ErrorBanner>{errorMessage(replay.error)}</ErrorBanner>
      ) : null}
      <DataTable
        caption="Dead letters"
        columns={columns}
        rows={rows}
        getRowId={(letter) => letter.id}
        paging={{ ...paging, one: "dead letter", many: "dead letters" }}
        empty={empty}
        renderDetail={detail}
        rowClassName={(letter) => (selection?.chosen.has(letter.id) ? "selected" : undefined)}
      />
    </div>
  );
}
