import type { AppRouter } from "@synchub/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type inferRouterClient, TRPCClientError } from "@trpc/client";
import { type FormEvent, type ReactNode, useDeferredValue, useId, useState } from "react";
import {
  ActionNote,
  Badge,
  EmptyState,
  ErrorBanner,
  Loading,
  PageHeader,
  TimeAgo,
  type Tone,
  useFlashNotice,
} from "../components/ui.tsx";
import { exactTime, useNow } from "../format.ts";
import { usePageTitle } from "../shell/pageTitle.ts";
import { useUser } from "../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, type User, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type Schedule = Awaited<ReturnType<Client["schedules"]["list"]["query"]>>[number];
type ScheduleDetail = Awaited<ReturnType<Client["schedules"]["byId"]["query"]>>;
type Policy = "skip" | "once" | "all";

const policyLabels: Record<Policy, string> = {
  skip: "skip missed runs",
  once: "run once after an outage",
  all: "run every missed one (up to the cap)",
};

const ledgerTones: Record<string, Tone> = {
  enqueued: "success",
  skipped: "warning",
  schedule: "neutral",
  manual: "accent",
  catch_up: "info",
};

export function SchedulesPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const schedules = useQuery({
    ...trpc.schedules.list.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const rows = schedules.data ?? [];

  return (
    <section aria-labelledby="schedules-heading">
      <PageHeader
        id="schedules-heading"
        title="Schedules"
        subtitle="Every recurring job, system jobs too. Edits take effect on the next minute's tick."
      />
      {schedules.isError ? (
        <ErrorBanner>Could not load schedules: {errorMessage(schedules.error)}</ErrorBanner>
      ) : null}
      {schedules.isPending ? (
        <Loading label="Loading schedules…" />
      ) : rows.length === 0 ? (
        <EmptyState title="No schedules">Schedules are added by migrations; none are defined.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Schedules</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Task</th>
                <th scope="col">Cron</th>
                <th scope="col">Time zone</th>
                <th scope="col">Status</th>
                <th scope="col">Missed runs</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((schedule) => (
                <tr key={schedule.id}>
                  <td className="nowrap">
                    <Link to="/schedules/$id" params={{ id: schedule.id }} title="Edit, preview and ledger">
                      {schedule.name}
                    </Link>
                    {schedule.description ? <div className="cell-note">{schedule.description}</div> : null}
                  </td>
                  <td>
                    <code className="provider">{schedule.task}</code>
                  </td>
                  <td className="nowrap">
                    <code>{schedule.cron}</code>
                  </td>
                  <td className="nowrap">{schedule.time_zone}</td>
                  <td>
                    <EnabledBadge enabled={schedule.enabled} />
                  </td>
                  <td>
                    {schedule.missed_policy}
                    {schedule.missed_policy === "all" ? (
                      <span className="muted"> (cap {schedule.catch_up_cap})</span>
                    ) : null}
                  </td>
                  <td>
                    <TimeAgo date={schedule.last_run_at} now={now} />
                  </td>
                  <td>
                    {schedule.enabled ? (
                      <TimeAgo date={schedule.next_occurrence_at} now={now} empty="at the next tick" />
                    ) : (
                      <span className="muted">paused</span>
                    )}
                  </td>
                  <td className="actions">
                    <ScheduleActions schedule={schedule} user={user} small />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge value="enabled" tone="success" /> : <Badge value="paused" tone="warning" />;
}

/** Run now, Pause / Resume: operators and admins; viewers see them disabled with the reason. */
function ScheduleActions({ schedule, user, small }: { schedule: Schedule; user: User; small?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const runNow = useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: async (run) => {
        setNotice(run.enqueued ? "Run queued" : "Already queued this second");
        await refresh();
      },
    }),
  );
  const pause = useMutation(trpc.schedules.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.schedules.resume.mutationOptions({ onSuccess: refresh }));

  const canOperate = user.role !== "viewer";
  const readOnly = canOperate ? undefined : "Needs the operator role";
  const busy = runNow.isPending || pause.isPending || resume.isPending;
  const error = runNow.error ?? pause.error ?? resume.error;
  const size = small ? " button-small" : "";

  return (
    <div>
      <div className="button-row">
        <button
          type="button"
          className={`button button-primary${size}`}
          aria-label={`Run now: ${schedule.name}`}
          title={readOnly ?? `Enqueue ${schedule.task} right away`}
          disabled={busy || !canOperate}
          onClick={() => runNow.mutate({ id: schedule.id })}
        >
          {runNow.isPending ? "Queuing…" : "Run now"}
        </button>
        {schedule.enabled ? (
          <button
            type="button"
            className={`button${size}`}
            aria-label={`Pause: ${schedule.name}`}
            title={readOnly}
            disabled={busy || !canOperate}
            onClick={() => pause.mutate({ id: schedule.id })}
          >
            {pause.isPending ? "Pausing…" : "Pause"}
          </button>
        ) : (
          <button
            type="button"
            className={`button${size}`}
            aria-label={`Resume: ${schedule.name}`}
            title={readOnly}
            disabled={busy || !canOperate}
            onClick={() => resume.mutate({ id: schedule.id })}
          >
            {resume.isPending ? "Resuming…" : "Resume"}
          </button>
        )}
      </div>
      <ActionNote error={error ? errorMessage(error) : null} notice={notice} />
    </div>
  );
}

export function ScheduleDetailPage({ id }: { id: string }) {
  const user = useUser();
  usePageTitle("Schedule");
  const trpc = useTRPC();
  const now = useNow();
  const schedule = useQuery({
    ...trpc.schedules.byId.queryOptions({ id }),
    refetchInterval: LIVE_INTERVAL_MS,
  });
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
              <code className="provider">{data.task}</code>
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
          <RunList dates={data.nextRuns} timeZone={data.time_zone} />
        </div>
      </div>

      <EditForm schedule={data} canEdit={user.role === "admin"} />
      <Ledger rows={data.ledger} timeZone={data.time_zone} />
    </section>
  );
}

/** An instant on the schedule's own wall clock, with the viewer's local time as the tooltip. */
function zonedTime(date: Date, timeZone: string, withSeconds = false): string {
  try {
    // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
    return new Intl.DateTimeFormat("en", {
      year: "numeric",
      month: "short",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
      timeZone,
      timeZoneName: "short",
    }).format(date);
  } catch {
    return exactTime(date);
  }
}

function RunList({ dates, timeZone }: { dates: Date[]; timeZone: string }) {
  if (dates.length === 0) return <p className="muted">No upcoming runs.</p>;
  return (
    <ol className="run-list">
      {dates.map((date) => (
        <li key={date.toISOString()}>
          <time dateTime={date.toISOString()} title={`Your time: ${exactTime(date)}`}>
            {zonedTime(date, timeZone)}
          </time>
        </li>
      ))}
    </ol>
  );
}

/** Validation issues by field, from a tRPC BAD_REQUEST (`data.issues`). */
function issuesOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const issues = (error.data?.issues ?? []) as { path: string; message: string }[];
  return Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
}

function EditForm({ schedule, canEdit }: { schedule: ScheduleDetail; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { cron: useId(), zone: useId(), policy: useId(), cap: useId(), zones: useId() };
  const [cron, setCron] = useState(schedule.cron);
  const [timeZone, setTimeZone] = useState(schedule.time_zone);
  const [policy, setPolicy] = useState<Policy>(schedule.missed_policy);
  const [cap, setCap] = useState(String(schedule.catch_up_cap));
  const [saved, setSaved] = useState(false);
  const previewInput = { cron: useDeferredValue(cron), timeZone: useDeferredValue(timeZone), count: 5 };
  const preview = useQuery({
    ...trpc.schedules.preview.queryOptions(previewInput),
    retry: false,
    placeholderData: (previous) => previous,
  });
  const update = useMutation(
    trpc.schedules.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
      },
    }),
  );

  // The preview validates as the operator types; a rejected save names its fields too.
  const issues = { ...issuesOf(preview.error), ...issuesOf(update.error) };
  const dirty =
    cron !== schedule.cron ||
    timeZone !== schedule.time_zone ||
    policy !== schedule.missed_policy ||
    cap !== String(schedule.catch_up_cap);

  // A rejected save's issues describe the values it sent; editing again clears them.
  const edited = () => {
    setSaved(false);
    if (update.error) update.reset();
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    update.mutate({ id: schedule.id, cron, timeZone, missedPolicy: policy, catchUpCap: Number(cap) });
  }

  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const otherError = update.error && Object.keys(issuesOf(update.error)).length === 0 ? update.error : null;

  return (
    <form className="card schedule-form" onSubmit={submit} aria-labelledby={`${ids.cron}-title`} noValidate>
      <h2 id={`${ids.cron}-title`}>Edit</h2>
      {!canEdit ? <p className="muted">Editing needs the admin role.</p> : null}
      {otherError ? <ErrorBanner>{errorMessage(otherError)}</ErrorBanner> : null}
      <div className="form-row">
        <Field id={ids.cron} label="Cron (minute hour day month weekday)" issue={issues.cron}>
          <input
            id={ids.cron}
            name="cron"
            value={cron}
            onChange={(event) => {
              edited();
              setCron(event.target.value);
            }}
            disabled={!canEdit}
            spellCheck={false}
            aria-invalid={issues.cron ? true : undefined}
            aria-describedby={issues.cron ? `${ids.cron}-issue` : undefined}
          />
        </Field>
        <Field id={ids.zone} label="Time zone (IANA)" issue={issues.timeZone}>
          <input
            id={ids.zone}
            name="timeZone"
            list={ids.zones}
            value={timeZone}
            onChange={(event) => {
              edited();
              setTimeZone(event.target.value);
            }}
            disabled={!canEdit}
            spellCheck={false}
            aria-invalid={issues.timeZone ? true : undefined}
            aria-describedby={issues.timeZone ? `${ids.zone}-issue` : undefined}
          />
          <datalist id={ids.zones}>
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </Field>
        <Field id={ids.policy} label="Missed runs" issue={issues.missedPolicy}>
          <select
            id={ids.policy}
            name="missedPolicy"
            value={policy}
            onChange={(event) => {
              edited();
              setPolicy(event.target.value as Policy);
            }}
            disabled={!canEdit}
          >
            {(Object.keys(policyLabels) as Policy[]).map((value) => (
              <option key={value} value={value}>
                {value}: {policyLabels[value]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={ids.cap} label="Catch-up cap" issue={issues.catchUpCap}>
          <input
            id={ids.cap}
            name="catchUpCap"
            type="number"
            min={1}
            max={100}
            value={cap}
            onChange={(event) => {
              edited();
              setCap(event.target.value);
            }}
            disabled={!canEdit || policy !== "all"}
            title={policy === "all" ? undefined : "Only the 'all' policy catches up more than once"}
            aria-invalid={issues.catchUpCap ? true : undefined}
            aria-describedby={issues.catchUpCap ? `${ids.cap}-issue` : undefined}
          />
        </Field>
      </div>

      <div className="preview" aria-live="polite">
        <h3>Next runs with these settings</h3>
        {issues.cron || issues.timeZone ? (
          <p className="muted">Fix the highlighted field to see the next runs.</p>
        ) : preview.data ? (
          <RunList dates={preview.data.nextRuns} timeZone={previewInput.timeZone} />
        ) : (
          <p className="muted">Computing…</p>
        )}
      </div>

      {canEdit ? (
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={!dirty || update.isPending}>
            {update.isPending ? "Saving…" : "Save"}
          </button>
          {dirty ? (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setCron(schedule.cron);
                setTimeZone(schedule.time_zone);
                setPolicy(schedule.missed_policy);
                setCap(String(schedule.catch_up_cap));
                update.reset();
              }}
            >
              Reset
            </button>
          ) : saved ? (
            <output className="text-success">Saved: the next tick follows the new settings.</output>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

function Field({
  id,
  label,
  issue,
  children,
}: {
  id: string;
  label: string;
  issue: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {issue ? (
        <span id={`${id}-issue`} className="field-issue" role="alert">
          {issue}
        </span>
      ) : null}
    </div>
  );
}

function Ledger({ rows, timeZone }: { rows: ScheduleDetail["ledger"]; timeZone: string }) {
  return (
    <div className="card">
      <h2>Ledger</h2>
      <p className="muted">The latest 50 occurrences: each one is enqueued at most once, by any worker.</p>
      {rows.length === 0 ? (
        <EmptyState title="No occurrences yet">
          The first tick after the next run time records one.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Occurrence ledger</caption>
            <thead>
              <tr>
                <th scope="col">Occurrence</th>
                <th scope="col">Source</th>
                <th scope="col">Outcome</th>
                <th scope="col">Job</th>
                <th scope="col">Recorded</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.occurrence_at.toISOString()}>
                  <td className="nowrap">
                    <time
                      dateTime={row.occurrence_at.toISOString()}
                      title={`Your time: ${exactTime(row.occurrence_at)}`}
                    >
                      {zonedTime(row.occurrence_at, timeZone, true)}
                    </time>
                  </td>
                  <td>
                    <Badge value={row.source} tone={ledgerTones[row.source]} />
                  </td>
                  <td>
                    <Badge value={row.status} tone={ledgerTones[row.status]} />
                  </td>
                  <td>{row.job_id ?? <span className="muted">none</span>}</td>
                  <td className="nowrap">{exactTime(row.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
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
