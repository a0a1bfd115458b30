import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { ErrorBanner, Loading, PageHeader, TimeAgo } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { usePageTitle } from "../../shell/pageTitle.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { NextRuns } from "./NextRuns.tsx";
import { EnabledBadge, ScheduleActions } from "./ScheduleActions.tsx";
import { ScheduleEditForm } from "./ScheduleEditForm.tsx";
import { ScheduleLedger } from "./ScheduleLedger.tsx";
import { policyLabels } from "./types.ts";

export function ScheduleDetailPage({ id }: { id: string }) {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const schedule = useQuery({
    ...trpc.schedules.byId.queryOptions({ id }),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  usePageTitle(schedule.data ? `Schedule ${schedule.data.name}` : "Schedule");
  const back = (
    <Link className="button" to="/schedules">
      ← All schedules
    </Link>
  );

  if (schedule.isPending) return <Loading label="Loading schedule…" />;
  if (schedule.isError) {
    return (
      <section>
        <PageHeader title="Schedule">{back}</PageHeader>
        <ErrorBanner>{errorMessage(schedule.error)}</ErrorBanner>
      </section>
    );
  }
  const data = schedule.data;
  return (
    <section aria-labelledby="schedule-heading">
      <PageHeader id="schedule-heading" title={data.name} subtitle={data.description || undefined}>
        <ScheduleActions schedule={data} user={user} />
        {back}
      </PageHeader>

      <div className="detail-grid">
        <div className="card">
          <h2>Schedule</h2>
          <dl className="facts">
            <Fact label="Status">
              <EnabledBadge enabled={data.enabled} />
            </Fact>
            <Fact label="Task">
              <code className="provider">{data.task}</code>{" "}
              <Link to="/runs" search={{ task: data.task, scope: "all" }}>
                its runs
              </Link>
            </Fact>
            <Fact label="Cron">
              <code>{data.cron}</code> in {data.time_zone}
            </Fact>
            <Fact label="Missed runs">
              {policyLabels[data.missed_policy]}
              {data.missed_policy === "all" ? ` (cap ${data.catch_up_cap})` : ""}
            </Fact>
            <Fact label="Last run">
              <TimeAgo date={data.last_run_at} now={now} />
            </Fact>
            <Fact label="Next run">
              {data.enabled ? (
                <TimeAgo date={data.next_occurrence_at} now={now} empty="at the next tick" />
              ) : (
                <span className="muted">paused</span>
              )}
            </Fact>
            <Fact label="Payload">
              <code>{JSON.stringify(data.payload)}</code>
            </Fact>
          </dl>
        </div>
        <div className="card">
          <h2>Next runs</h2>
          <NextRuns dates={data.nextRuns} timeZone={data.time_zone} />
        </div>
      </div>

      <ScheduleEditForm schedule={data} canEdit={user.role === "admin"} />
      <ScheduleLedger rows={data.ledger} timeZone={data.time_zone} />
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
