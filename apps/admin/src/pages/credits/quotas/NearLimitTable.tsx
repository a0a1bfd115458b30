import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../../components/table/DataTable.tsx";
import { Badge } from "../../../components/ui.tsx";
import { metricLabels, type NearLimit } from "../types.ts";
import { ResetUserButton } from "./ResetUserButton.tsx";
import { UsageMeter } from "./UsageMeter.tsx";

const column = createColumnHelper<NearLimit>();

/** Users at or above the threshold, one row per user and metric (quotas.nearLimit; it does not page). */
export function NearLimitTable({
  rows,
  canOperate,
  threshold,
}: {
  rows: NearLimit[];
  canOperate: boolean;
  threshold: number;
}) {
  const columns = useMemo(() => {
    // A user near two limits has two rows; their reset button goes on the first.
    const firstRowOf = new Map<string, string>();
    for (const row of rows) if (!firstRowOf.has(row.userRef)) firstRowOf.set(row.userRef, row.metric);
    return [
      column.accessor("userRef", { header: "User", cell: ({ getValue }) => <code>{getValue()}</code> }),
      column.accessor("planName", {
        header: "Plan",
        cell: ({ row }) => (
          <Badge value={row.original.planName} tone={row.original.planId === "free" ? "neutral" : "info"} />
        ),
      }),
      column.accessor("metric", { header: "Metric", cell: ({ getValue }) => metricLabels[getValue()] }),
      column.display({
        id: "usage",
        header: "Usage",
        cell: ({ row: { original: row } }) => (
          <UsageMeter metric={row.metric} used={row.used} limit={row.limit} />
        ),
      }),
      column.accessor("percent", {
        header: "Percent",
        meta: { numeric: true },
        cell: ({ row }) => {
          const percent = row.original.percent;
          const critical = percent >= 100;
          return (
            <span className={critical ? "text-danger" : "text-warning"}>
              {percent.toFixed(percent % 1 === 0 ? 0 : 1)} %{" "}
              <Badge value={critical ? "critical" : "warning"} tone={critical ? "danger" : "warning"} />
            </span>
          );
        },
      }),
      ...(canOperate
        ? [
            column.display({
              id: "actions",
              header: "Actions",
              cell: ({ row: { original: row } }) =>
                firstRowOf.get(row.userRef) === row.metric ? <ResetUserButton userRef={row.userRef} /> : null,
            }),
          ]
        : []),
    ] as ColumnDef<NearLimit, never>[];
  }, [rows, canOperate]);
  return (
    <DataTable
      caption="Quotas: users near their limit"
      columns={columns}
      rows={rows}
      getRowId={(row) => `${row.userRef}|${row.metric}`}
      empty={{
        title: "Nobody is near a limit",
        body: `Users show up here once they use ${threshold} % of a daily, monthly or storage quota.`,
      }}
    />
  );
}
