import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { Badge, ErrorBanner, Loading, TimeAgo } from "../../components/ui.tsx";
import { count } from "../../format.ts";
import { errorMessage, useTRPC } from "../../trpc.ts";
import styles from "./overview.module.css";
import type { AttentionItem } from "./types.ts";

const reasonLabels: Record<AttentionItem["reasons"][number], string> = {
  paused_by_system: "paused after auth failures",
  failing: "failing",
  never_succeeded: "never succeeded",
  dead_letter: "open dead letter",
};

/** Rows of the needs-attention list per page; more load on demand. */
const PAGE_SIZE = 10;

const column = createColumnHelper<AttentionItem>();

function attentionColumns(now: number): ColumnDef<AttentionItem, never>[] {
  return [
    column.display({
      id: "target",
      header: "Target",
      cell: ({ row: { original: item } }) => (
        <>
          {/* A connection has its own page; another kind's target is seen through its runs. */}
          {item.kind === "llm.costs" && item.name !== null ? (
            <Link to="/connections/$id" params={{ id: item.id }} title="Open this connection">
              {`${item.tenantName ?? "?"} / ${item.name}`}
            </Link>
          ) : (
            <Link to="/runs" search={{ connection: item.id }} title="Show this target's runs">
              {item.name === null ? item.kind : `${item.tenantName ?? "?"} / ${item.name}`}
            </Link>
          )}
          <div className="cell-note">
            {item.pool} · {item.kind}
          </div>
        </>
      ),
    }),
    column.accessor("reasons", {
      header: "Why",
      meta: { className: styles.errorCell },
      cell: ({ row: { original: item } }) => (
        <>
          {item.reasons.map((reason) => (
            <Badge
              key={reason}
              value={reasonLabels[reason]}
              tone={reason === "paused_by_system" || reason === "dead_letter" ? "danger" : "warning"}
            />
          ))}
          {item.error ? <div className={`cell-note ${styles.errorText}`}>{item.error}</div> : null}
        </>
      ),
    }),
    column.accessor("lastSyncedAt", {
      header: "Last success",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
  ] as ColumnDef<AttentionItem, never>[];
}

/** Targets a person must look at, over all targets (the server pages them). */
export function NeedsAttention({
  total,
  now,
  intervalMs,
}: {
  total: number;
  now: number;
  intervalMs: number;
}) {
  const trpc = useTRPC();
  const attention = useInfiniteQuery({
    ...trpc.overview.needsAttention.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: intervalMs,
  });
  const columns = useMemo(() => attentionColumns(now), [now]);
  const rows = attention.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="card overview-section">
      <div className="card-head">
        <h2 id="attention-heading">
          Needs attention <Badge value={count(total)} tone={total > 0 ? "warning" : "success"} />
        </h2>
        <Link to="/dead-letters">Dead letters →</Link>
      </div>
      <p className="muted card-intro">
        Targets paused by the engine, failing, never succeeded, or with an open dead letter, over all targets;
        most recently changed first.
      </p>
      {attention.isError ? (
        <ErrorBanner>Could not load the list: {errorMessage(attention.error)}</ErrorBanner>
      ) : attention.isPending ? (
        <Loading label="Loading…" />
      ) : (
        <DataTable
          caption="Targets needing attention"
          columns={columns}
          rows={rows}
          getRowId={(item) => item.id}
          paging={{ query: attention, total, one: "target", many: "targets" }}
          empty={{ title: "Nothing needs a person." }}
        />
      )}
    </div>
  );
}
