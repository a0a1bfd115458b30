import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { ErrorBanner, Loading, SelectField } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import styles from "./connections.module.css";

// recharts is the heaviest dependency of the console: it loads with the chart, after the facts.
const HistoryChart = lazy(() => import("./ConnectionHistoryChart.tsx"));

const windows = ["7", "30", "90"] as const;
const windowLabels = { "7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days" };

/** The data this connection synced: its cost per day (`connections.history`). */
export function ConnectionHistory({ id }: { id: string }) {
  const trpc = useTRPC();
  const [days, setDays] = useState<(typeof windows)[number]>("30");
  const history = useQuery({
    ...trpc.connections.history.queryOptions({ id, days: Number(days) }),
    placeholderData: (previous) => previous,
  });
  return (
    <figure className={`card overview-section ${styles.chartCard}`} aria-labelledby="history-title">
      <div className="card-head">
        <div>
          <h2 id="history-title">Synced cost per day</h2>
          <figcaption className="muted">
            What the provider billed each day, as this connection synced it
          </figcaption>
        </div>
        <SelectField
          label="Window"
          value={days}
          options={windows}
          labels={windowLabels}
          onChange={(value) => setDays(value || "30")}
        />
      </div>
      {history.isError ? (
        <ErrorBanner>Could not load the history: {errorMessage(history.error)}</ErrorBanner>
      ) : history.isPending ? (
        <Loading label="Loading history…" />
      ) : (
        <Suspense fallback={<Loading label="Loading chart…" />}>
          <HistoryChart rows={history.data} days={Number(days)} />
        </Suspense>
      )}
    </figure>
  );
}
