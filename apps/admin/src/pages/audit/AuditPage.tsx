import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useDeferredValue, useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { ErrorBanner, Loading, liveWhileShort, PageHeader } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { AuditFilters } from "./AuditFilters.tsx";
import { auditColumns } from "./auditColumns.tsx";

const route = getRouteApi("/audit");

export function AuditPage() {
  const trpc = useTRPC();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  // Typing in a filter box should not fire a request per keystroke while the list is long.
  const filter = useDeferredValue({
    ...(search.objectType?.trim() ? { objectType: search.objectType.trim() } : {}),
    ...(search.objectId?.trim() ? { objectId: search.objectId.trim() } : {}),
    ...(search.actor?.trim() ? { actor: search.actor.trim() } : {}),
    ...(search.action?.trim() ? { action: search.action.trim() } : {}),
    limit: 100,
  });
  const entries = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(filter, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const rows = entries.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(search.objectType || search.objectId || search.actor || search.action);
  const columns = useMemo(() => auditColumns(now, setSearch), [now]);

  return (
    <section aria-labelledby="audit-heading">
      <PageHeader
        id="audit-heading"
        title="Audit log"
        subtitle="Every change made through the console or the API, and every login attempt with its address: who, what, to which object. Newest first, a hundred at a time."
      />
      <AuditFilters search={search} onChange={setSearch} />
      {entries.isError ? (
        <ErrorBanner>Could not load the audit log: {errorMessage(entries.error)}</ErrorBanner>
      ) : null}
      {entries.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : (
        <DataTable
          caption="Audit log entries"
          columns={columns}
          rows={rows}
          getRowId={(entry) => entry.id}
          paging={{ query: entries, one: "entry", many: "entries" }}
          empty={{
            title: filtered ? "No entries match these filters" : "Nothing audited yet",
            body: filtered
              ? "Filters match exactly; clear one to see more."
              : "Changes appear here as people make them.",
          }}
        />
      )}
    </section>
  );
}
