import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { TimeAgo } from "../../components/ui.tsx";
import { count, duration } from "../../format.ts";
import { ProviderSettingsForm } from "./ProviderSettingsForm.tsx";
import type { ProviderSettings } from "./types.ts";

const column = createColumnHelper<ProviderSettings>();

/** Each provider's settings; the one being edited (named in the URL) opens its form under it. */
export function ProviderSettingsTable({
  rows,
  now,
  canEdit,
  editing,
  onEdit,
}: {
  rows: ProviderSettings[];
  now: number;
  canEdit: boolean;
  editing: string | undefined;
  onEdit: (provider: string | undefined) => void;
}) {
  const columns = useMemo(
    () =>
      [
        column.accessor("provider", {
          header: "Provider",
          cell: ({ getValue }) => <code className="provider">{getValue()}</code>,
        }),
        column.accessor("min_interval_ms", {
          header: "Min interval",
          meta: { numeric: true },
          cell: ({ getValue }) => duration(getValue()),
        }),
        column.accessor("hourly_cap", {
          header: "Hourly cap",
          meta: { numeric: true },
          cell: ({ getValue }) => count(getValue()),
        }),
        column.accessor("max_concurrency", {
          header: "Max concurrency",
          meta: { numeric: true },
          cell: ({ getValue }) => count(getValue()),
        }),
        column.accessor("updated_at", {
          header: "Updated",
          cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
        }),
        column.display({
          id: "actions",
          header: "Actions",
          cell: ({ row: { original: row } }) => {
            const open = editing === row.provider;
            return (
              <button
                type="button"
                className="button button-small"
                aria-label={`Edit: ${row.provider}`}
                aria-expanded={open}
                title={canEdit ? undefined : "Needs the admin role"}
                disabled={!canEdit}
                onClick={() => onEdit(open ? undefined : row.provider)}
              >
                {open ? "Close" : "Edit"}
              </button>
            );
          },
        }),
      ] as ColumnDef<ProviderSettings, never>[],
    [now, canEdit, editing, onEdit],
  );
  return (
    <DataTable
      caption="Provider settings"
      columns={columns}
      rows={rows}
      getRowId={(row) => row.provider}
      rowClassName={(row) => (row.provider === editing ? "selected" : undefined)}
      renderDetail={(row) =>
        canEdit && row.provider === editing ? (
          <ProviderSettingsForm row={row} onClose={() => onEdit(undefined)} />
        ) : null
      }
      empty={{ title: "No providers configured", body: "Provider settings are added by migrations." }}
    />
  );
}
