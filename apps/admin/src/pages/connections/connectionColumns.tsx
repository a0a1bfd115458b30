import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import styles from "./connections.module.css";
import { SyncNowButton } from "./SyncNowButton.tsx";
import type { ConnectionRow } from "./types.ts";

const column = createColumnHelper<ConnectionRow>();

/** The Connections list's columns; the name opens the connection's page. */
export function connectionColumns(now: number, canOperate: boolean): ColumnDef<ConnectionRow, never>[] {
  return [
    column.accessor("tenant_name", { header: "Tenant", meta: { className: "nowrap" } }),
    column.accessor("tier", { header: "Tier", cell: ({ getValue }) => <Badge value={getValue()} /> }),
    column.accessor("provider", {
      header: "Provider",
      cell: ({ getValue }) => <code className="provider">{getValue()}</code>,
    }),
    column.accessor("name", {
      header: "Name",
      meta: { className: "nowrap" },
      cell: ({ row: { original: connection } }) => (
        <Link to="/connections/$id" params={{ id: connection.id }}>
          {connection.name}
        </Link>
      ),
    }),
    column.accessor("status", {
      header: "Status",
      cell: ({ row: { original: connection } }) => (
        <>
          <Badge value={connection.status} />
          {connection.status === "paused" && connection.paused_reason ? (
            <div className="cell-note">{connection.paused_reason}</div>
          ) : null}
        </>
      ),
    }),
    column.accessor("sync_status", {
      header: "Sync status",
      meta: { className: styles.errorCell },
      cell: ({ row: { original: connection } }) => (
        <>
          <Badge value={connection.sync_status} />
          {connection.sync_status === "failed" && connection.sync_error ? (
            <div className={`cell-note cell-error ${styles.errorText}`} title={connection.sync_error}>
              {connection.sync_error}
            </div>
          ) : null}
        </>
      ),
    }),
    column.accessor("last_synced_at", {
      header: "Last synced",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("next_sync_at", {
      header: "Next sync",
      meta: { hideWhenStacked: true },
      cell: ({ row: { original: connection } }) =>
        connection.status === "paused" ? (
          <span className="muted">paused</span>
        ) : (
          <TimeAgo date={connection.next_sync_at} now={now} empty="not scheduled" />
        ),
    }),
    column.accessor("consecutive_failures", {
      header: "Failures",
      meta: { numeric: true },
      cell: ({ getValue }) => (
        <span className={getValue() > 0 ? "text-danger" : undefined}>{getValue()}</span>
      ),
    }),
    column.display({
      id: "actions",
      header: "Actions",
      meta: { className: "actions" },
      cell: ({ row: { original: connection } }) => (
        <SyncNowButton connection={connection} canOperate={canOperate} small />
      ),
    }),
  ] as ColumnDef<ConnectionRow, never>[];
}
