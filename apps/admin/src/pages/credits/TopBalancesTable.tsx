import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import type { Holder } from "./types.ts";

const column = createColumnHelper<Holder>();

/** The users holding the most credits (credits.balances answers the top ones; it does not page). */
export function TopBalancesTable({ rows, now }: { rows: Holder[]; now: number }) {
  const columns = useMemo(
    () =>
      [
        column.accessor("user_ref", { header: "User", cell: ({ getValue }) => <code>{getValue()}</code> }),
        column.accessor("plans", {
          header: "Active plans",
          cell: ({ row: { original: holder } }) =>
            holder.plans.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              holder.plans.map((plan) => <Badge key={plan} value={plan} tone="neutral" />)
            ),
        }),
        column.accessor("balance", {
          header: "Balance",
          meta: { numeric: true },
          cell: ({ getValue }) => count(getValue()),
        }),
        column.accessor("updated_at", {
          header: "Updated",
          cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
        }),
      ] as ColumnDef<Holder, never>[],
    [now],
  );
  return (
    <DataTable
      caption="Top balances"
      columns={columns}
      rows={rows}
      getRowId={(row) => row.user_ref}
      empty={{ title: "No balances yet", body: "A user gets a balance with their first grant or purchase." }}
    />
  );
}
