import { count } from "../../format.ts";
import type { KeyTotals } from "./types.ts";

/** Summed by the server over every key, not just the loaded ones. */
export function RateLimitTotals({ totals }: { totals: KeyTotals }) {
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
