import { useQuery } from "@tanstack/react-query";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, ErrorBanner, Loading, type Tone } from "../../components/ui.tsx";
import { count, duration, exactTime } from "../../format.ts";
import type { RouterOutputs } from "../../trpc.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import styles from "./Runs.module.css";

type HttpCall = RouterOutputs["runs"]["httpCalls"]["items"][number];

function statusTone(status: number | null): Tone {
  if (status === null || status >= 500) return "danger";
  if (status >= 400) return "warning";
  return "success";
}

const column = createColumnHelper<HttpCall & { seq: number }>();

const columns = [
  column.accessor("seq", { header: "#", meta: { numeric: true, hideWhenStacked: true } }),
  column.accessor("method", { header: "Method", cell: ({ getValue }) => <code>{getValue()}</code> }),
  column.display({
    id: "target",
    header: "Host and path",
    meta: { className: styles.callTarget },
    // Query values never reach the database (the connectors keep only their names): nothing to hide here.
    cell: ({ row: { original: call } }) => (
      <code>
        <span className={styles.callHost}>{call.host}</span>
        {call.path}
      </code>
    ),
  }),
  column.accessor("status", {
    header: "HTTP status",
    cell: ({ getValue }) => {
      const status = getValue();
      return <Badge value={status === null ? "no response" : String(status)} tone={statusTone(status)} />;
    },
  }),
  column.accessor("durationMs", {
    header: "Duration",
    meta: { numeric: true },
    cell: ({ getValue }) => duration(getValue()),
  }),
  column.accessor("attempt", {
    header: "Attempt",
    meta: { numeric: true },
    cell: ({ getValue }) => {
      const attempt = getValue();
      return attempt > 1 ? `${attempt} (retry ${attempt - 1})` : attempt;
    },
  }),
  column.accessor("startedAt", {
    header: "Started",
    meta: { hideWhenStacked: true, className: "nowrap" },
    cell: ({ getValue }) => exactTime(getValue()),
  }),
  column.accessor("error", {
    header: "Call error",
    meta: { className: "error-cell" },
    cell: ({ getValue }) => {
      const error = getValue();
      return error ? (
        <span className="text-danger" title={error}>
          {error}
        </span>
      ) : (
        <span className="muted">—</span>
      );
    },
  }),
] as ColumnDef<HttpCall & { seq: number }, never>[];

/** The HTTP attempts a run's connectors made, in the order they started. */
export function RunHttpCalls({ runId, finishedAt }: { runId: string; finishedAt: Date | null }) {
  const trpc = useTRPC();
  const running = finishedAt === null;
  // Calls are saved as the run ends, a moment after its status may read finished: keep asking
  // while it runs and for a little while after.
  const calls = useQuery({
    ...trpc.runs.httpCalls.queryOptions({ runId }),
    refetchInterval: () =>
      finishedAt === null || Date.now() - finishedAt.getTime() < 15_000 ? LIVE_INTERVAL_MS : false,
  });
  const rows = (calls.data?.items ?? []).map((call, index) => ({ ...call, seq: index + 1 }));
  const dropped = calls.data?.dropped ?? 0;
  return (
    <div className="card">
      <h2>HTTP calls</h2>
      {calls.isPending ? (
        <Loading label="Loading HTTP calls…" />
      ) : calls.isError ? (
        <ErrorBanner>Could not load the HTTP calls: {errorMessage(calls.error)}</ErrorBanner>
      ) : (
        <>
          <DataTable
            caption="HTTP calls"
            columns={columns}
            rows={rows}
            getRowId={(call) => String(call.seq)}
            empty={{
              title: running ? "No HTTP calls yet" : "No HTTP calls",
              body: running
                ? "A run's calls are saved when it ends."
                : "This run called no provider (business jobs and scheduler ticks call none).",
            }}
          />
          {dropped > 0 ? (
            <p className="muted">
              {count(dropped)} more {dropped === 1 ? "call" : "calls"} not recorded (a run keeps its first{" "}
              {count(rows.length)}).
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
