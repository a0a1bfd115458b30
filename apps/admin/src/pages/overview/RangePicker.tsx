import { type OverviewRange, overviewRanges } from "@synchub/api/schemas";
import { Link } from "@tanstack/react-router";
import styles from "./overview.module.css";

const labels: Record<OverviewRange, string> = { "1h": "1 h", "24h": "24 h", "7d": "7 d", "30d": "30 d" };
const titles: Record<OverviewRange, string> = {
  "1h": "The current hour",
  "24h": "The last 24 hours",
  "7d": "The last 7 days",
  "30d": "The last 30 days",
};

/** The window of the run counts and the chart; a link each, so the range lives in the URL. */
export function RangePicker({ range }: { range: OverviewRange }) {
  return (
    <nav aria-label="Time range" className={styles.range}>
      {overviewRanges.map((option) => (
        <Link
          key={option}
          to="/overview"
          search={{ range: option === "24h" ? undefined : option }}
          replace
          title={titles[option]}
          // The router marks the current one (aria-current="page"); the 24 h link is current only without a range.
          activeOptions={{ exact: true, includeSearch: true }}
          className={option === range ? `${styles.rangeOption} ${styles.rangeCurrent}` : styles.rangeOption}
        >
          {labels[option]}
        </Link>
      ))}
    </nav>
  );
}
