import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import styles from "./DeadLetters.module.css";
import { TargetLink } from "./TargetLink.tsx";
import { classTones, type Letter, READ_ONLY, statusTones, targetOf } from "./types.ts";

/** What a row's buttons open under it. */
export type Panel = { id: string; kind: "payload" | "replay" | "discard" | "pause" };

export interface LetterColumnsOptions {
  now: number;
  showTask: boolean;
  canOperate: boolean;
  panel: Panel | null;
  setPanel: (panel: Panel | null) => void;
  /** Replays a transient letter at once; a permanent one opens its warning first. */
  onReplay: (letter: Letter) => void;
  replaying: string | null;
  selection?: {
    chosen: Set<string>;
    toggle: (id: string) => void;
    setAll: (ids: string[]) => void;
    rows: Letter[];
  };
}

const column = createColumnHelper<Letter>();

export function letterColumns(options: LetterColumnsOptions): ColumnDef<Letter, never>[] {
  const { now, showTask, canOperate, panel, setPanel, onReplay, replaying, selection } = options;
  const toggle = (letter: Letter, kind: Panel["kind"]) =>
    setPanel(panel?.id === letter.id && panel.kind === kind ? null : { id: letter.id, kind });
  const allChosen =
    selection !== undefined &&
    selection.rows.length > 0 &&
    selection.rows.every((row) => selection.chosen.has(row.id));
  const columns: (ColumnDef<Letter, never> | null)[] = [
    selection
      ? (column.display({
          id: "select",
          header: () => (
            <input
              type="checkbox"
              aria-label="Select all letters"
              checked={allChosen}
              disabled={!canOperate}
              onChange={() => selection.setAll(allChosen ? [] : selection.rows.map((row) => row.id))}
            />
          ),
          meta: { className: "check" },
          cell: ({ row }) => (
            <input
              type="checkbox"
              aria-label={`Select dead letter ${row.original.id}`}
              checked={selection.chosen.has(row.original.id)}
              disabled={!canOperate}
              onChange={() => selection.toggle(row.original.id)}
            />
          ),
        }) as ColumnDef<Letter, never>)
      : null,
    column.accessor("id", {
      header: "Id",
      meta: { className: "nowrap" },
      cell: ({ getValue }) => `#${getValue()}`,
    }) as ColumnDef<Letter, never>,
    showTask
      ? (column.accessor("task", {
          header: "Task",
          cell: ({ getValue }) => <code className="provider">{getValue()}</code>,
        }) as ColumnDef<Letter, never>)
      : null,
    column.display({
      id: "connection",
      header: "Connection",
      meta: { className: "nowrap" },
      cell: ({ row: { original: letter } }) => {
        const target = targetOf(letter);
        if (!target) return letter.connection_id ?? <span className="muted">none</span>;
        return (
          <>
            {letter.tenant_name} / {letter.connection_name}
            {letter.target_status === "paused" ? (
              <div className="cell-note">
                <Badge value="paused" /> <TargetLink target={target} />
              </div>
            ) : null}
          </>
        );
      },
    }) as ColumnDef<Letter, never>,
    column.accessor("error", {
      header: "Error",
      meta: { className: "error-cell" },
      cell: ({ row: { original: letter } }) => (
        <div className={styles.errorCell}>
          <Badge
            value={letter.permanent ? "permanent" : "transient"}
            tone={classTones[letter.permanent ? "permanent" : "transient"]}
            title={
              letter.permanent
                ? "A replay fails again until the cause (credentials, a missing object, a bad request) is fixed"
                : "May succeed when replayed"
            }
          />
          <span className="text-danger" title={letter.error}>
            {letter.error}
          </span>
        </div>
      ),
    }) as ColumnDef<Letter, never>,
    column.accessor("attempts", {
      header: "Attempts",
      meta: { numeric: true },
      cell: ({ getValue }) => count(getValue()),
    }) as ColumnDef<Letter, never>,
    column.accessor("last_failed_at", {
      header: "Last failed",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }) as ColumnDef<Letter, never>,
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: letter } }) => (
        <>
          <Badge value={letter.status} tone={statusTones[letter.status]} />
          {letter.closed_at ? (
            <div className="cell-note">
              {letter.closed_by ? `by ${letter.closed_by}, ` : ""}
              <TimeAgo date={letter.closed_at} now={now} />
            </div>
          ) : null}
          {letter.discard_reason ? <div className="cell-note">“{letter.discard_reason}”</div> : null}
        </>
      ),
    }) as ColumnDef<Letter, never>,
    column.display({
      id: "actions",
      header: "Actions",
      cell: ({ row: { original: letter } }) => {
        const shown = panel?.id === letter.id ? panel.kind : null;
        const open = letter.status === "open";
        const target = targetOf(letter);
        return (
          <div className={styles.actions}>
            <button
              type="button"
              className="button button-ghost button-small"
              aria-expanded={shown === "payload"}
              aria-label={`${shown === "payload" ? "Hide" : "Show"} payload of dead letter ${letter.id}`}
              onClick={() => toggle(letter, "payload")}
            >
              {shown === "payload" ? "Hide payload" : "Payload"}
            </button>
            {open ? (
              <>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Replay dead letter ${letter.id}`}
                  aria-expanded={letter.permanent ? shown === "replay" : undefined}
                  title={canOperate ? undefined : READ_ONLY}
                  disabled={!canOperate || replaying === letter.id}
                  onClick={() => onReplay(letter)}
                >
                  {replaying === letter.id ? "Replaying…" : "Replay"}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Discard dead letter ${letter.id}`}
                  aria-expanded={shown === "discard"}
                  title={canOperate ? undefined : READ_ONLY}
                  disabled={!canOperate}
                  onClick={() => toggle(letter, "discard")}
                >
                  Discard
                </button>
              </>
            ) : null}
            {target && letter.target_status !== "paused" ? (
              <button
                type="button"
                className="button button-small"
                aria-label={`Pause target of dead letter ${letter.id}`}
                aria-expanded={shown === "pause"}
                title={canOperate ? "Stop syncing this target while its cause is fixed" : READ_ONLY}
                disabled={!canOperate}
                onClick={() => toggle(letter, "pause")}
              >
                Pause target
              </button>
            ) : null}
          </div>
        );
      },
    }) as ColumnDef<Letter, never>,
  ];
  return columns.filter((c): c is ColumnDef<Letter, never> => c !== null);
}
