import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { TimeAgo } from "../../components/ui.tsx";
import type { User } from "../../trpc.ts";
import { EnabledBadge, ScheduleActions } from "./ScheduleActions.tsx";
import type { Schedule } from "./types.ts";

const column = createColumnHelper<Schedule>();

export function scheduleColumns(now: number, user: User): ColumnDef<Schedule, never>[] {
  return [
    column.accessor("name", {
      header: "Name",
      meta: { className: "nowrap" },
      cell: ({ row: { original: schedule } }) => (
        <>
          <Link to="/schedules/$id" params={{ id: schedule.id }} title="Edit, preview and ledger">
            {schedule.name}
          </Link>
          {schedule.description ? <div className="cell-note">{schedule.description}</div> : null}
        </>
      ),
    }),
    column.accessor("task", {
      header: "Task",
      cell: ({ getValue }) => <code className="provider">{getValue()}</code>,
    }),
    column.accessor("cron", {
      header: "Cron",
      meta: { className: "nowrap" },
      cell: ({ row: { original: schedule } }) => (
        <>
          <code>{schedule.cron}</code>
          <div className="cell-note">{schedule.time_zone}</div>
        </>
      ),
    }),
    column.accessor("enabled", {
      header: "Status",
      cell: ({ getValue }) => <EnabledBadge enabled={getValue()} />,
    }),
    column.accessor("missed_policy", {
      header: "Missed runs",
      meta: { hideWhenStacked: true },
      cell: ({ row: { original: schedule } }) => (
        <>
          {schedule.missed_policy}
          {schedule.missed_policy === "all" ? (
            <span className="muted"> (cap {schedule.catch_up_cap})</span>
          ) : null}
        </>
      ),
    }),
    column.accessor("last_run_at", {
      header: "Last run",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("next_occurrence_at", {
      header: "Next run",
      cell: ({ row: { original: schedule } }) =>
        schedule.enabled ? (
          <TimeAgo date={schedule.next_occurrence_at} now={now} empty="at the next tick" />
        ) : (
          <span className="muted">paused</span>
        ),
    }),
    column.display({
      id: "actions",
      header: "Actions",
      meta: { className: "actions" },
      cell: ({ row }) => <ScheduleActions schedule={row.original} user={user} small />,
    }),
  ] as ColumnDef<Schedule, never>[];
}
