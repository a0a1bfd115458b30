import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, PageHeader, SelectField } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { scheduleColumns } from "./scheduleColumns.tsx";

const route = getRouteApi("/schedules/");

export function SchedulesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  // Schedules are few (one per recurring task): the list is one query, not paged.
  const schedules = useQuery({
    ...trpc.schedules.list.queryOptions(),
    refetchInterval: LIVE_INTERVAL_MS,
  });
  // Schedules are a handful: the status filter needs no server round trip.
  const rows = (schedules.data ?? []).filter(
    (schedule) => search.status === undefined || schedule.enabled === (search.status === "enabled"),
  );
  const columns = useMemo(() => scheduleColumns(now, user), [now, user]);

  return (
    <section aria-labelledby="schedules-heading">
      <PageHeader
        id="schedules-heading"
        title="Schedules"
        subtitle="Every recurring job, system jobs too. Edits take effect on the next minute's tick."
      />
      <div className="toolbar">
        <SelectField
          label="Schedule status"
          value={search.status ?? ""}
          options={["enabled", "paused"] as const}
          anyLabel="Enabled or paused"
          onChange={(value) => void navigate({ search: { status: value || undefined }, replace: true })}
        />
      </div>
      {schedules.isError ? (
        <ErrorBanner>Could not load schedules: {errorMessage(schedules.error)}</ErrorBanner>
      ) : null}
      {schedules.isPending ? (
        <Loading label="Loading schedules…" />
      ) : (
        <DataTable
          caption="Schedules"
          columns={columns}
          rows={rows}
          getRowId={(schedule) => schedule.id}
          empty={
            search.status
              ? { title: `No ${search.status} schedules` }
              : {
                  title: "No schedules",
                  body: "Schedules are added by migrations and the SQL API; none are defined.",
                }
          }
        />
      )}
    </section>
  );
}
