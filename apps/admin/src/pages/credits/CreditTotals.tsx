import { ErrorBanner } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import type { Balances, CreditRun } from "./types.ts";

export function CreditTotals({ balances, runs }: { balances: Balances; runs: CreditRun[] }) {
  const lastGrant = runs.find((run) => run.task === "credits.grant");
  const failed = runs.filter((run) => run.status === "failed").length;
  const items: [string, string, string][] = [
    ["Users with a balance", count(balances.users), "info"],
    ["Credits outstanding", count(balances.totalBalance), ""],
    ["Granted, last 30 days", count(balances.granted30d), "success"],
    ["Expired, last 30 days", count(balances.expired30d), ""],
  ];
  return (
    <>
      <ul className="summary summary-4" aria-label="Credit summary">
        {items.map(([label, value, tone]) => (
          <li key={label} className={tone ? `stat stat-${tone}` : "stat"}>
            <span className="stat-value">{value}</span>
            <span className="stat-label">{label}</span>
          </li>
        ))}
      </ul>
      {lastGrant?.status === "failed" || failed > 0 ? (
        <ErrorBanner>
          {count(failed)} of the last {count(runs.length)} credit runs failed
          {lastGrant?.status === "failed" ? ", including the latest grant" : ""}.
        </ErrorBanner>
      ) : null}
    </>
  );
}
