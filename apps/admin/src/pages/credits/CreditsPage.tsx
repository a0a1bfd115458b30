import { creditTasks } from "@synchub/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { EmptyState, ErrorBanner, Loading, PageHeader, SelectField } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { CreditRunsTable } from "./CreditRunsTable.tsx";
import styles from "./Credits.module.css";
import { CreditTotals } from "./CreditTotals.tsx";
import { QueueStatsTable } from "./QueueStatsTable.tsx";
import { NearLimitTable } from "./quotas/NearLimitTable.tsx";
import { QuotaLookup } from "./quotas/QuotaLookup.tsx";
import { QuotaResetAll } from "./quotas/QuotaResetAll.tsx";
import { ThresholdForm } from "./quotas/ThresholdForm.tsx";
import { TopBalancesTable } from "./TopBalancesTable.tsx";

const route = getRouteApi("/credits");

/** SPEC S5: quota alerts at 80 % (warning) and 100 % (critical). */
export const NEAR_LIMIT_PERCENT = 80;
const taskLabels = { "credits.grant": "Grants", "credits.expire": "Expiries" } as const;

export function CreditsPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  const canOperate = user.role !== "viewer";
  const threshold = search.threshold ?? NEAR_LIMIT_PERCENT;

  const runs = useQuery({
    ...trpc.credits.runs.queryOptions({ limit: 200, ...(search.task ? { task: search.task } : {}) }),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
  const balances = useQuery({ ...trpc.credits.balances.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const nearLimit = useQuery({
    ...trpc.quotas.nearLimit.queryOptions({ thresholdPercent: threshold }),
    refetchInterval: LIVE_INTERVAL_MS,
    placeholderData: (previous) => previous,
  });
  const queueStats = useQuery({
    ...trpc.quotas.queueStats.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const all = runs.data ?? [];
  const tasks = search.task ? [search.task] : creditTasks;

  return (
    <section aria-labelledby="credits-heading">
      <PageHeader
        id="credits-heading"
        title="Credits & quotas"
        subtitle="Monthly grants (daily 01:00 UTC) and expiry (daily 04:00 UTC), whichever scheduler ran them; users near their quota limits; the job queue."
      />
      {balances.isError ? (
        <ErrorBanner>Could not load balances: {errorMessage(balances.error)}</ErrorBanner>
      ) : balances.data ? (
        <CreditTotals balances={balances.data} runs={search.task ? [] : all} />
      ) : null}

      <div className="toolbar">
        <SelectField
          label="Credit runs"
          value={search.task ?? ""}
          options={creditTasks}
          labels={taskLabels}
          anyLabel="Grants and expiries"
          onChange={(value) => setSearch({ task: value || undefined })}
        />
      </div>
      {runs.isError ? (
        <ErrorBanner>Could not load credit runs: {errorMessage(runs.error)}</ErrorBanner>
      ) : null}
      {tasks.map((task) => (
        <CreditRunsTable
          key={task}
          task={task}
          runs={all.filter((run) => run.task === task)}
          pending={runs.isPending}
          now={now}
        />
      ))}

      <h2 className="section-heading">Top balances</h2>
      {balances.isPending ? (
        <Loading label="Loading balances…" />
      ) : balances.data ? (
        <TopBalancesTable rows={balances.data.top} now={now} />
      ) : null}

      <h2 className="section-heading">Quotas: one user</h2>
      <QuotaLookup userRef={search.user} canOperate={canOperate} onLookUp={(user) => setSearch({ user })} />

      <h2 className="section-heading">Quotas: users near their limit</h2>
      <QuotaResetAll canOperate={canOperate} />
      <div className={styles.filters}>
        <ThresholdForm
          threshold={threshold}
          onApply={(value) => setSearch({ threshold: value === NEAR_LIMIT_PERCENT ? undefined : value })}
        />
      </div>
      {nearLimit.isError ? (
        <ErrorBanner>Could not load quota usage: {errorMessage(nearLimit.error)}</ErrorBanner>
      ) : nearLimit.isPending ? (
        <Loading label="Loading quota usage…" />
      ) : (
        <NearLimitTable rows={nearLimit.data} canOperate={canOperate} threshold={threshold} />
      )}

      <h2 className="section-heading">Queue statistics</h2>
      {queueStats.isError ? (
        <ErrorBanner>Could not load queue statistics: {errorMessage(queueStats.error)}</ErrorBanner>
      ) : queueStats.isPending ? (
        <Loading label="Loading queue statistics…" />
      ) : queueStats.data.length === 0 ? (
        <EmptyState title="The queue is empty">
          No task has queued or finished a job in the last 24 hours.
        </EmptyState>
      ) : (
        <QueueStatsTable rows={queueStats.data} />
      )}
    </section>
  );
}
