import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useId } from "react";
import { SelectField } from "../../components/ui.tsx";
import { useTRPC } from "../../trpc.ts";
import styles from "./Runs.module.css";
import { type RunRange, rangeLabels, runRanges, runStatuses, runTriggers, scopes } from "./runFilters.ts";

const route = getRouteApi("/runs/");

/** The value of the time range picker: a preset, "custom" (from/to), or "" for all time. */
type RangeChoice = RunRange | "custom";

/** The toolbar of the run history: every filter reads and writes the URL. */
export function RunFilters({ toIssue }: { toIssue: string | undefined }) {
  const trpc = useTRPC();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const ids = { from: useId(), to: useId() };
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  const options = useQuery({ ...trpc.runs.filterOptions.queryOptions(), staleTime: 60_000 });
  const connection = useQuery({
    ...trpc.connections.byId.queryOptions({ id: search.connection ?? "" }),
    enabled: search.connection !== undefined,
  });
  // A value in the URL stays choosable while the options load, or after it left them.
  const withCurrent = (list: string[] | undefined, current: string | undefined) =>
    current && !list?.includes(current) ? [current, ...(list ?? [])] : (list ?? []);
  const rangeChoice: RangeChoice | "" = search.range ?? (search.from || search.to ? "custom" : "");

  return (
    <div className="toolbar">
      <SelectField
        label="Work"
        value={search.scope ?? "work"}
        options={Object.keys(scopes) as (keyof typeof scopes)[]}
        labels={scopes}
        onChange={(value) => setSearch({ scope: value === "work" || value === "" ? undefined : value })}
      />
      <SelectField
        label="Run status"
        value={search.status ?? ""}
        options={runStatuses}
        anyLabel="Any status"
        onChange={(value) => setSearch({ status: value || undefined })}
      />
      <SelectField
        label="Kind"
        value={search.kind ?? ""}
        options={withCurrent(options.data?.kinds, search.kind)}
        anyLabel="Any kind"
        onChange={(value) => setSearch({ kind: value || undefined })}
      />
      <SelectField
        label="Task"
        value={search.task ?? ""}
        options={withCurrent(options.data?.tasks, search.task)}
        anyLabel="Any task"
        onChange={(value) => setSearch({ task: value || undefined })}
      />
      <SelectField
        label="Trigger"
        value={search.trigger ?? ""}
        options={runTriggers}
        anyLabel="Any trigger"
        onChange={(value) => setSearch({ trigger: value || undefined })}
      />
      <SelectField<RangeChoice>
        label="Time range"
        value={rangeChoice}
        options={[...runRanges, "custom"]}
        labels={{ ...rangeLabels, custom: "Between…" }}
        anyLabel="All time"
        onChange={(value) =>
          value === "custom"
            ? setSearch({ range: undefined, from: search.from ?? localTimeOf(Date.now() - 86_400_000) })
            : setSearch({ range: value || undefined, from: undefined, to: undefined })
        }
      />
      {rangeChoice === "custom" ? (
        <>
          <div className={`field ${styles.timeField}`}>
            <label htmlFor={ids.from}>From</label>
            <input
              id={ids.from}
              type="datetime-local"
              value={search.from ?? ""}
              onChange={(event) => setSearch({ from: event.target.value || undefined })}
            />
          </div>
          <div className={`field ${styles.timeField}`}>
            <label htmlFor={ids.to}>To</label>
            <input
              id={ids.to}
              type="datetime-local"
              value={search.to ?? ""}
              aria-invalid={toIssue ? true : undefined}
              aria-describedby={toIssue ? `${ids.to}-issue` : undefined}
              onChange={(event) => setSearch({ to: event.target.value || undefined })}
            />
            {toIssue ? (
              <span id={`${ids.to}-issue`} className="field-issue" role="alert">
                {toIssue}
              </span>
            ) : null}
          </div>
        </>
      ) : null}
      {search.connection ? (
        <div className="chip">
          Connection:{" "}
          <strong>
            {connection.data ? `${connection.data.tenant_name} / ${connection.data.name}` : search.connection}
          </strong>
          <Link
            to="/runs"
            search={{ ...search, connection: undefined }}
            aria-label="Show runs of all connections"
          >
            ×
          </Link>
        </div>
      ) : null}
    </div>
  );
}

/** An instant as a datetime-local value of the viewer's zone, to the minute. */
function localTimeOf(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
