import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { TimeAgo } from "../../components/ui.tsx";
import type { RouterOutputs } from "../../trpc.ts";
import styles from "./Audit.module.css";

export type Entry = RouterOutputs["audit"]["list"]["items"][number];

const column = createColumnHelper<Entry>();

/** The log's columns; an actor or an object id narrows the list to it when clicked. */
export function auditColumns(
  now: number,
  narrow: (patch: { actor?: string; objectId?: string }) => void,
): ColumnDef<Entry, never>[] {
  return [
    column.accessor("at", {
      header: "When",
      meta: { className: "nowrap" },
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("actor", {
      header: "Actor",
      cell: ({ getValue }) => (
        <button
          type="button"
          className="button button-small button-ghost"
          title="Show only this actor's entries"
          onClick={() => narrow({ actor: getValue() })}
        >
          {getValue()}
        </button>
      ),
    }),
    column.accessor("action", { header: "Action", cell: ({ getValue }) => <code>{getValue()}</code> }),
    column.display({
      id: "object",
      header: "Object",
      cell: ({ row: { original: entry } }) => (
        <>
          <span className="muted">{entry.object_type}</span>
          {entry.object_id ? (
            <div>
              <button
                type="button"
                className={`button button-small button-ghost ${styles.objectId}`}
                title="Show only this object"
                onClick={() => narrow({ objectId: entry.object_id ?? undefined })}
              >
                <code>{entry.object_id}</code>
              </button>
            </div>
          ) : null}
        </>
      ),
    }),
    column.accessor("details", {
      header: "Details",
      cell: ({ getValue }) => {
        const details = getValue() as Record<string, unknown> | null;
        return details !== null && typeof details === "object" && Object.keys(details).length > 0 ? (
          <pre className={`code-block ${styles.details}`}>{JSON.stringify(details, null, 2)}</pre>
        ) : (
          <span className="muted">—</span>
        );
      },
    }),
  ] as ColumnDef<Entry, never>[];
}
