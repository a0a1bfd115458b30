import type { OverviewRange } from "@synchub/api/schemas";
import { Link, type LinkProps } from "@tanstack/react-router";
import type { ReactNode } from "react";
import type { Tone } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import { type HealthStatus, rangeLabels, type Summary } from "./types.ts";

export const statusTones: Record<HealthStatus, Tone> = {
  Healthy: "success",
  Warning: "warning",
  Critical: "danger",
};
const statusRank: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2 };

/** A summary tile whose number and label open the list it counts. */
function Tile({
  tone,
  value,
  label,
  note,
  link,
}: {
  tone: string;
  value: ReactNode;
  label: string;
  note?: ReactNode;
  link: LinkProps & { title: string };
}) {
  return (
    <li className={tone ? `stat stat-${tone}` : "stat"}>
      {/* The number is the link (its text stays the number alone); its name says where it goes. */}
      <Link {...link} className="stat-value stat-link" aria-label={`${label}: ${link.title}`}>
        {value}
      </Link>
      <span className="stat-label">{label}</span>
      {note ? <span className="stat-note">{note}</span> : null}
    </li>
  );
}

/** The numbers that matter first, each a way into the list behind it. */
export function OverviewTiles({ summary, range }: { summary: Summary; range: OverviewRange }) {
  const { succeeded, failed } = summary.runs;
  const finished = succeeded + failed;
  const rate = finished > 0 ? succeeded / finished : null;
  const rateTone = rate === null ? "" : rate >= 0.95 ? "success" : rate >= 0.8 ? "warning" : "danger";
  // As GET /health/sync judges it: the worst of the workers and every pool.
  const overall = [summary.workers.status, ...summary.pools.map((pool) => pool.status)].reduce<HealthStatus>(
    (worst, status) => (statusRank[status] > statusRank[worst] ? status : worst),
    "Healthy",
  );
  let failing = 0;
  let late = 0;
  for (const pool of summary.pools) {
    failing += pool.states.failing;
    late += pool.states.late;
  }
  const window = rangeLabels[range];

  return (
    <ul className="summary" aria-label="Sync summary">
      <Tile
        tone={statusTones[overall]}
        value={overall}
        label="Overall health"
        note={
          summary.workers.status === "Healthy"
            ? `${count(summary.workers.alive)} ${summary.workers.alive === 1 ? "worker" : "workers"} alive`
            : summary.workers.reason
        }
        link={{
          to: "/connections",
          search: failing > 0 ? { syncStatus: "failed" } : {},
          title: failing > 0 ? "Show the failing connections" : "Show every connection",
        }}
      />
      <Tile
        tone={rateTone}
        value={rate === null ? "—" : `${(rate * 100).toFixed(1)}%`}
        label={`Success rate, ${window}`}
        note={`${count(succeeded)} of ${count(finished)} runs`}
        link={{ to: "/runs", search: { scope: "syncs" }, title: "Show the sync runs" }}
      />
      <Tile
        tone={failed > 0 ? "danger" : ""}
        value={count(failed)}
        label={`Failed runs, ${window}`}
        link={{
          to: "/runs",
          search: { scope: "syncs", status: "failed" },
          title: "Show the failed sync runs",
        }}
      />
      <Tile
        tone={failing > 0 ? "danger" : ""}
        value={count(failing)}
        label="Failing targets"
        link={{ to: "/connections", search: { syncStatus: "failed" }, title: "Show the failing connections" }}
      />
      <Tile
        tone={late > 0 ? "warning" : ""}
        value={count(late)}
        label="Late targets"
        link={{ to: "/connections", search: { late: true }, title: "Show the late connections" }}
      />
      <Tile
        tone={summary.deadLettersOpen > 0 ? "danger" : ""}
        value={count(summary.deadLettersOpen)}
        label="Open dead letters"
        link={{ to: "/dead-letters", title: "Show the dead letters" }}
      />
    </ul>
  );
}
