import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, liveWhileShort, PageHeader, SelectField } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { JobActions } from "./JobActions.tsx";
import { JobSummary } from "./JobSummary.tsx";
import styles from "./Jobs.module.css";
import { jobColumns } from "./jobColumns.tsx";
import { jobStates } from "./jobStates.ts";

const route = getRouteApi("/jobs");

export function JobsPage() {
  const trpc = useTRPC();
  const user = useUser();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  const canOperate = user.role !== "viewer";
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const summary = useQuery({ ...trpc.jobs.summary.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const jobs = useInfiniteQuery({
    ...trpc.jobs.list.infiniteQueryOptions(
      {
        limit: 50,
        ...(search.task ? { task: search.task } : {}),
        ...(search.state ? { state: search.state } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const rows = jobs.data?.pages.flatMap((page) => page.items) ?? [];
  // Only jobs still listed stay selected: one that finished or was removed drops out.
  const chosen = rows.filter((job) => selected.has(job.id)).map((job) => job.id);
  const columns = useMemo(
    () =>
      jobColumns(now, {
        enabled: canOperate,
        has: (id) => selected.has(id),
        toggle: (id) =>
          setSelected((previous) => {
            const next = new Set(previous);
            if (!next.delete(id)) next.add(id);
            return next;
          }),
      }),
    [now, canOperate, selected],
  );
  const tasks = summary.data?.map((row) => row.task) ?? [];
  const taskOptions = search.task && !tasks.includes(search.task) ? [search.task, ...tasks] : tasks;

  return (
    <section aria-labelledby="jobs-heading">
      <PageHeader
        id="jobs-heading"
        title="Jobs"
        subtitle="graphile-worker's queue: jobs not done yet, by task and state. A job leaves the queue once it succeeds."
      />
      <JobSummary />

      <h2 className={styles.sectionTitle}>Queue</h2>
      <div className="toolbar">
        <SelectField
          label="Task"
          value={search.task ?? ""}
          options={taskOptions}
          anyLabel="Any task"
          onChange={(value) => setSearch({ task: value || undefined })}
        />
        <SelectField
          label="State"
          value={search.state ?? ""}
          options={jobStates}
          anyLabel="Any state"
          onChange={(value) => setSearch({ state: value || undefined })}
        />
      </div>

      {canOperate ? (
        <JobActions ids={chosen} onDone={() => setSelected(new Set())} />
      ) : (
        <p className="muted">Running, rescheduling and removing jobs needs the operator role.</p>
      )}

      {jobs.isError ? <ErrorBanner>Could not load jobs: {errorMessage(jobs.error)}</ErrorBanner> : null}
      {jobs.isPending ? (
        <Loading label="Loading jobs…" />
      ) : (
        <DataTable
          caption="Jobs"
          columns={columns}
          rows={rows}
          getRowId={(job) => job.id}
          rowClassName={(job) => (selected.has(job.id) ? "selected" : undefined)}
          paging={{ query: jobs, one: "job", many: "jobs" }}
          empty={{
            title: search.task || search.state ? "No jobs match these filters" : "The queue is empty",
            body: "Jobs wait here until a worker runs them; a job that succeeds leaves the queue.",
          }}
        />
      )}
    </section>
  );
}
