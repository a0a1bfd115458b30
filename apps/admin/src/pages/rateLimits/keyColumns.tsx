import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { count, duration } from "../../format.ts";
import type { PacingKey } from "./types.ts";

const column = createColumnHelper<PacingKey>();

/** A credential key links to its connection's runs, named by the server's join where it has one. */
function KeyLabel({ row }: { row: PacingKey }) {
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

/** When the key's next call may go: the pace, or a pause, whichever is later. */
function nextAllowedAt(row: PacingKey): number {
  // A key never granted a call keeps Postgres' '-infinity', which reaches the browser as null or a
  // number rather than a Date: it means no wait.
  const nextAllowed: unknown = row.next_allowed_at;
  const paced = nextAllowed instanceof Date ? nextAllowed.getTime() : 0;
  return Math.max(paced, row.paused && row.paused_until ? row.paused_until.getTime() : 0);
}

export function keyColumns(now: number): ColumnDef<PacingKey, never>[] {
  return [
    column.accessor("key", {
      header: "Key",
      meta: { className: "nowrap" },
      cell: ({ row }) => <KeyLabel row={row.original} />,
    }),
    column.accessor("min_interval_ms", {
      header: "Interval",
      meta: { numeric: true },
      cell: ({ getValue }) => duration(getValue()),
    }),
    column.display({
      id: "usage",
      header: "Used this hour / cap",
      cell: ({ row: { original: row } }) => {
        const used = Math.max(0, row.hourly_cap - row.remainingThisHour);
        const share = row.hourly_cap > 0 ? Math.min(1, used / row.hourly_cap) : 0;
        const tone = share >= 0.9 ? "danger" : share >= 0.7 ? "warning" : "ok";
        return (
          <>
            <div className="meter-cell">
              <span className="meter" aria-hidden="true">
                <span className={`meter-fill meter-${tone}`} style={{ width: `${share * 100}%` }} />
              </span>
              <span className="num-inline">
                {count(used)} / {count(row.hourly_cap)}
              </span>
            </div>
            <div className={row.remainingThisHour <= 0 ? "cell-note text-danger" : "cell-note"}>
              {count(Math.max(0, row.remainingThisHour))} remaining
            </div>
          </>
        );
      },
    }),
    column.display({
      id: "next",
      header: "Next allowed",
      cell: ({ row }) => {
        const at = nextAllowedAt(row.original);
        return at > now ? <TimeAgo date={new Date(at)} now={now} /> : <span className="muted">now</span>;
      },
    }),
    column.accessor("paused_until", {
      header: "Paused until",
      cell: ({ row: { original: row } }) =>
        row.paused && row.paused_until ? (
          <>
            <div className="paused-line">
              <Badge value="paused" /> <TimeAgo date={row.paused_until} now={now} />
            </div>
            {row.pause_reason ? <div className="cell-note">{row.pause_reason}</div> : null}
          </>
        ) : (
          <span className="muted">—</span>
        ),
    }),
    column.accessor("deferrals", {
      header: "Deferrals",
      meta: { numeric: true },
      cell: ({ getValue }) => count(Number(getValue())),
    }),
    column.accessor("throttled", {
      header: "429s",
      meta: { numeric: true },
      cell: ({ getValue }) => {
        const throttled = Number(getValue());
        return <span className={throttled > 0 ? "text-warning" : undefined}>{count(throttled)}</span>;
      },
    }),
  ] as ColumnDef<PacingKey, never>[];
}
