import { formatAmount, type Metric } from "../types.ts";

/** Used of limit, as a bar and in figures; at or over the limit it turns red. */
export function UsageMeter({ metric, used, limit }: { metric: Metric; used: number; limit: number }) {
  const percent = limit > 0 ? (used / limit) * 100 : 0;
  const tone = percent >= 100 ? "danger" : percent >= 80 ? "warning" : "ok";
  return (
    <div className="meter-cell">
      <span className="meter" aria-hidden="true">
        <span className={`meter-fill meter-${tone}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </span>
      <span className="num-inline">
        {formatAmount(metric, used)} / {formatAmount(metric, limit)}
      </span>
    </div>
  );
}
