import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { EmptyState, ErrorBanner, Loading, PageHeader, SelectField } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { type Created, CreateTokenForm } from "./CreateTokenForm.tsx";
import { NewToken } from "./NewToken.tsx";
import { tokenColumns } from "./tokenColumns.tsx";

const route = getRouteApi("/tokens");

export function TokensPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  // Live, so "last used" moves while machine clients call.
  const tokens = useQuery({
    ...trpc.tokens.list.queryOptions(),
    enabled: user.role === "admin",
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const [created, setCreated] = useState<Created | null>(null);
  const columns = useMemo(() => tokenColumns(now), [now]);

  if (user.role !== "admin") {
    return (
      <section aria-labelledby="tokens-heading">
        <PageHeader id="tokens-heading" title="API tokens" />
        <EmptyState title="Needs the admin role">Ask an admin for a token for your service.</EmptyState>
      </section>
    );
  }
  // tokens.list answers every token at once: the status filter is read here.
  const rows = (tokens.data ?? []).filter(
    (token) => !search.status || (search.status === "revoked") === (token.revoked_at !== null),
  );

  return (
    <section aria-labelledby="tokens-heading">
      <PageHeader
        id="tokens-heading"
        title="API tokens"
        subtitle={
          <>
            For machine clients: send <code>Authorization: Bearer shk_…</code>, or pass <code>token</code> to{" "}
            <code>createSynchubClient</code>. A token acts with its role, limited to the procedures it names
            if it names any.
          </>
        }
      />
      {created ? <NewToken created={created} onDone={() => setCreated(null)} /> : null}
      <CreateTokenForm onCreated={setCreated} />

      <h2 id="token-list-heading" className="section-heading">
        Tokens
      </h2>
      <div className="toolbar">
        <SelectField
          label="Token status"
          value={search.status ?? ""}
          options={["active", "revoked"] as const}
          anyLabel="Active and revoked"
          onChange={(value) =>
            void navigate({
              search: (previous) => ({ ...previous, status: value || undefined }),
              replace: true,
            })
          }
        />
      </div>
      {tokens.isError ? <ErrorBanner>Could not load tokens: {errorMessage(tokens.error)}</ErrorBanner> : null}
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : (
        <DataTable
          caption="Tokens"
          columns={columns}
          rows={rows}
          getRowId={(token) => token.id}
          rowClassName={(token) => (token.revoked_at ? "row-paused" : undefined)}
          empty={{
            title: search.status ? `No ${search.status} tokens` : "No API tokens yet",
            body: "Create one above for each service that calls synchub.",
          }}
        />
      )}
    </section>
  );
}
