import { Link } from "@tanstack/react-router";
import { count } from "../../format.ts";
import type { ConnectionsSearch } from "../../routes/connections.index.tsx";
import type { ConnectionCounts } from "./types.ts";

/**
 * Counted by the server over every connection the filters select, not just the loaded rows. Each
 * tile narrows the list to what it counts.
 */
export function ConnectionSummary({ counts }: { counts: ConnectionCounts }) {
  const tiles: { label: string; value: number; tone: string; narrow: Partial<ConnectionsSearch> | null }[] = [
    { label: "Matching", value: counts.total, tone: "", narrow: null },
    { label: "Healthy", value: counts.ok, tone: "success", narrow: { syncStatus: "ok" } },
    { label: "Running", value: counts.running, tone: "info", narrow: { syncStatus: "running" } },
    { label: "Failed", value: counts.failed, tone: "danger", narrow: { syncStatus: "failed" } },
    { label: "Late", value: counts.late, tone: "warning", narrow: { late: true } },
    { label: "Paused", value: counts.paused, tone: "warning", narrow: { status: "paused" } },
  ];
  return (
    <ul className="summary" aria-label="Connection summary">
      {tiles.map(({ label, value, tone, narrow }) => (
        <li key={label} className={tone ? `stat stat-${tone}` : "stat"}>
          {narrow ? (
            <Link
              className="stat-value stat-link"
              from="/connections/"
              to="/connections"
              search={(previous) => ({ ...previous, ...narrow })}
              aria-label={`${count(value)} ${label.toLowerCase()}: show them`}
            >
              {count(value)}
            </Link>
          ) : (
            <span className="stat-value">{count(value)}</span>
          )}
          <span className="stat-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}
