import type { AppRouter } from "@synchub/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterClient } from "@trpc/client";
import {
  ActionNote,
  Badge,
  ConfirmButton,
  EmptyState,
  ErrorBanner,
  Loading,
  PageHeader,
  TimeAgo,
  useFlashNotice,
} from "../components/ui.tsx";
import { count, duration, exactTime, useNow } from "../format.ts";
import { useUser } from "../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type CreditRun = Awaited<ReturnType<Client["credits"]["runs"]["query"]>>[number];
type Balances = Awaited<ReturnType<Client["credits"]["balances"]["query"]>>;
type NearLimit = Awaited<ReturnType<Client["quotas"]["nearLimit"]["query"]>>[number];
type QueueStat = Awaited<ReturnType<Client["quotas"]["queueStats"]["query"]>>[number];

/** SPEC S5: quota alerts at 80 % (warning) and 100 % (critical). */
const NEAR_LIMIT_PERCENT = 80;

const metricLabels: Record<NearLimit["metric"], string> = {
  uploads: "Uploads today",
  aiRequests: "AI requests this month",
  storageBytes: "Storage",
};

/** The counts each task reports (SPEC S4), in the order the HTTP responses list them. */
const columns = {
  "credits.grant": [
    ["processed", "Processed"],
    ["successful", "Granted"],
    ["skipped", "Skipped"],
    ["failed", "Failed"],
  ],
  "credits.expire": [
    ["processedBatches", "Batches"],
    ["processedUsers", "Users"],
    ["totalExpiredAmount", "Credits expired"],
  ],
} as const;

export function CreditsPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const canOperate = user.role !== "viewer";
  const runs = useQuery({
    ...trpc.credits.runs.queryOptions({ limit: 200 }),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const balances = useQuery({ ...trpc.credits.balances.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const nearLimit = useQuery({
    ...trpc.quotas.nearLimit.queryOptions({ thresholdPercent: NEAR_LIMIT_PERCENT }),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const queueStats = useQuery({
    ...trpc.quotas.queueStats.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const all = runs.data ?? [];

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
        <Totals balances={balances.data} runs={all} />
      ) : null}

      {runs.isError ? (
        <ErrorBanner>Could not load credit runs: {errorMessage(runs.error)}</ErrorBanner>
      ) : null}
      {(["credits.grant", "credits.expire"] as const).map((task) => (
        <RunTable
          key={task}
          task={task}
          runs={all.filter((run) => run.task === task)}
          pending={runs.isPending}
          now={now}
        />
      ))}

      <h2 id="balances-heading" className="section-heading">
        Top balances
      </h2>
      {balances.isPending ? (
        <Loading label="Loading balances…" />
      ) : !balances.data || balances.data.top.length === 0 ? (
        <EmptyState title="No balances yet">
          A user gets a balance with their first grant or purchase.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="balances-heading">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Active plans</th>
                <th scope="col" className="num">
                  Balance
                </th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {balances.data.top.map((row) => (
                <tr key={row.user_ref}>
                  <td>
                    <code>{row.user_ref}</code>
                  </td>
                  <td>
                    {row.plans.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      row.plans.map((plan) => <Badge key={plan} value={plan} tone="neutral" />)
                    )}
                  </td>
                  <td className="num">{count(row.balance)}</td>
                  <td>
                    <TimeAgo date={row.updated_at} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="near-limit-heading" className="section-heading">
        Quotas: users near their limit
      </h2>
      <QuotaResetAll canOperate={canOperate} />
      {nearLimit.isError ? (
        <ErrorBanner>Could not load quota usage: {errorMessage(nearLimit.error)}</ErrorBanner>
      ) : nearLimit.isPending ? (
        <Loading label="Loading quota usage…" />
      ) : nearLimit.data.length === 0 ? (
        <EmptyState title="Nobody is near a limit">
          Users show up here once they use {NEAR_LIMIT_PERCENT} % of a daily, monthly or storage quota.
        </EmptyState>
      ) : (
        <NearLimitTable rows={nearLimit.data} canOperate={canOperate} />
      )}

      <h2 id="queue-stats-heading" className="section-heading">
        Queue statistics
      </h2>
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

function formatAmount(metric: NearLimit["metric"], value: number): string {
  if (metric !== "storageBytes") return count(value);
  const gib = value / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(gib >= 100 ? 0 : 1)} GiB` : `${(value / 1024 ** 2).toFixed(0)} MiB`;
}

/** Manual reset of everyone's counters (SPEC S5): the daily and monthly resets, now. Audited. */
function QuotaResetAll({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const reset = useMutation(
    trpc.quotas.reset.mutationOptions({
      onSuccess: async ({ reset: accounts }) => {
        setNotice(`Counters reset for ${count(accounts)} account${accounts === 1 ? "" : "s"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.quotas.pathKey() });
      },
      onError: () => setNotice(null),
    }),
  );
  return (
    <div className="section-bar">
      <p className="muted">
        Daily counters reset at 00:05 UTC, monthly ones on the 1st at 00:10 UTC.
        {canOperate ? null : " Resetting by hand needs the operator role."}
      </p>
      {canOperate ? (
        <div className="section-bar-actions">
          <ConfirmButton
            label="Reset all quotas"
            confirmLabel="Reset every user's counters"
            pendingLabel="Resetting…"
            target="all users"
            pending={reset.isPending}
            onConfirm={() => reset.mutate({ all: true })}
          />
          <ActionNote error={reset.error ? errorMessage(reset.error) : null} notice={notice} />
        </div>
      ) : null}
    </div>
  );
}

/** Manual reset of one user's counters, every metric. Audited. */
function QuotaResetUser({ userRef }: { userRef: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.quotas.reset.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.quotas.pathKey() }),
    }),
  );
  return (
    <>
      <ConfirmButton
        label="Reset"
        confirmLabel="Reset counters"
        pendingLabel="Resetting…"
        target={userRef}
        pending={reset.isPending}
        onConfirm={() => reset.mutate({ userRef })}
      />
      <ActionNote error={reset.error ? errorMessage(reset.error) : null} notice={null} />
    </>
  );
}

function NearLimitTable({ rows, canOperate }: { rows: NearLimit[]; canOperate: boolean }) {
  // A user near two limits has two rows; their reset button goes on the first.
  const firstRowOf = new Map<string, string>();
  for (const row of rows) if (!firstRowOf.has(row.userRef)) firstRowOf.set(row.userRef, row.metric);
  return (
    <div className="table-wrap">
      <table aria-labelledby="near-limit-heading">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Plan</th>
            <th scope="col">Metric</th>
            <th scope="col">Usage</th>
            <th scope="col" className="num">
              Percent
            </th>
            {canOperate ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const critical = row.percent >= 100;
            return (
              <tr key={`${row.userRef}|${row.metric}`}>
                <td>
                  <code>{row.userRef}</code>
                </td>
                <td>
                  <Badge value={row.planName} tone={row.planId === "free" ? "neutral" : "info"} />
                </td>
                <td>{metricLabels[row.metric]}</td>
                <td>
                  <div className="meter-cell">
                    <span className="meter" aria-hidden="true">
                      <span
                        className={`meter-fill meter-${critical ? "danger" : "warning"}`}
                        style={{ width: `${Math.min(100, row.percent)}%` }}
                      />
                    </span>
                    <span className="num-inline">
                      {formatAmount(row.metric, row.used)} / {formatAmount(row.metric, row.limit)}
                    </span>
                  </div>
                </td>
                <td className={critical ? "num text-danger" : "num text-warning"}>
                  {row.percent.toFixed(row.percent % 1 === 0 ? 0 : 1)} %{" "}
                  <Badge value={critical ? "critical" : "warning"} tone={critical ? "danger" : "warning"} />
                </td>
                {canOperate ? (
                  <td>
                    {firstRowOf.get(row.userRef) === row.metric ? (
                      <QuotaResetUser userRef={row.userRef} />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const queueColumns = [
  ["waiting", "Waiting"],
  ["active", "Active"],
  ["delayed", "Delayed"],
  ["completed", "Completed (24 h)"],
  ["failed", "Failed"],
] as const;

function QueueStatsTable({ rows }: { rows: QueueStat[] }) {
  return (
    <div className="table-wrap">
      <table aria-labelledby="queue-stats-heading">
        <thead>
          <tr>
            <th scope="col">Task</th>
            {queueColumns.map(([key, label]) => (
              <th key={key} scope="col" className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.task}>
              <td>
                <code>{row.task}</code>
              </td>
              {queueColumns.map(([key]) => {
                const value = row[key];
                const alarming = key === "failed" && value > 0;
                return (
                  <td key={key} className={alarming ? "num text-danger" : value === 0 ? "num muted" : "num"}>
                    {count(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Totals({ balances, runs }: { balances: Balances; runs: CreditRun[] }) {
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

function RunTable({
  task,
  runs,
  pending,
  now,
}: {
  task: keyof typeof columns;
  runs: CreditRun[];
  pending: boolean;
  now: number;
}) {
  const headingId = `${task.replace(".", "-")}-heading`;
  const counts = columns[task];
  return (
    <>
      <h2 id={headingId} className="section-heading">
        {task === "credits.grant" ? "Grant history" : "Expiry history"}
      </h2>
      {pending ? (
        <Loading label="Loading credit runs…" />
      ) : runs.length === 0 ? (
        <EmptyState title="No runs yet">
          <code>{task}</code> has not run; the schedule, an external scheduler or "Run now" starts it.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Trigger</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Duration
                </th>
                {counts.map(([key, label]) => (
                  <th key={key} scope="col" className="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td className="nowrap">
                    <span title={exactTime(run.started_at)}>{run.started_at.toISOString().slice(0, 10)}</span>{" "}
                    <span className="muted">
                      <TimeAgo date={run.started_at} now={now} />
                    </span>
                  </td>
                  <td>
                    <Badge value={run.trigger} tone="neutral" />
                  </td>
                  <td>
                    <Badge value={run.status} />
                    {run.error ? <div className="cell-note text-danger">{run.error}</div> : null}
                  </td>
                  <td
                    className={
                      run.duration_ms !== null && run.duration_ms > 5_000 ? "num text-warning" : "num"
                    }
                  >
                    {run.duration_ms === null ? <span className="muted">—</span> : duration(run.duration_ms)}
                  </td>
                  {counts.map(([key]) => {
                    const value = run.results?.[key];
                    const alarming = key === "failed" && (value ?? 0) > 0;
                    return (
                      <td key={key} className={alarming ? "num text-danger" : "num"}>
                        {value === undefined ? <span className="muted">—</span> : count(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
