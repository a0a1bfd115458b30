import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { TRPCClientError } from "@trpc/client";
import { EmptyState, ErrorBanner, Loading, PageHeader } from "../../components/ui.tsx";
import { usePageTitle } from "../../shell/pageTitle.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { ConnectionActions } from "./ConnectionActions.tsx";
import { ConnectionFacts } from "./ConnectionFacts.tsx";
import { ConnectionHistory } from "./ConnectionHistory.tsx";
import { ConnectionRuns } from "./ConnectionRuns.tsx";
import { SyncNowButton } from "./SyncNowButton.tsx";

/** An id that names no connection: unknown (404), or not even a connection id (400). */
function isMissing(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error.data?.code === "NOT_FOUND" || error.data?.code === "BAD_REQUEST")
  );
}

/** One connection: its facts, its synced data, its runs and failures, and what an operator can do to it. */
export function ConnectionDetailPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const user = useUser();
  const connection = useQuery({
    ...trpc.connections.byId.queryOptions({ id }),
    refetchInterval: (query) => (query.state.error ? false : LIVE_INTERVAL_MS),
    retry: (failures, error) => !isMissing(error) && failures < 2,
  });
  usePageTitle(
    connection.data
      ? `${connection.data.tenant_name} / ${connection.data.name}`
      : connection.isError
        ? "Connection not found"
        : "Connection",
  );

  const back = (
    <Link className="button" to="/connections">
      ← All connections
    </Link>
  );
  if (connection.isPending) return <Loading label="Loading connection…" />;
  if (connection.isError) {
    return (
      <section aria-labelledby="connection-heading">
        <PageHeader id="connection-heading" title="Connection not found">
          {back}
        </PageHeader>
        {isMissing(connection.error) ? (
          <EmptyState title="No connection has this id">
            It may have been deleted, or the link is mistyped ({id}). Find it in the list of connections.
          </EmptyState>
        ) : (
          <ErrorBanner>Could not load the connection: {errorMessage(connection.error)}</ErrorBanner>
        )}
      </section>
    );
  }
  const data = connection.data;
  const canOperate = user.role !== "viewer";
  return (
    <section aria-labelledby="connection-heading">
      <PageHeader
        id="connection-heading"
        title={data.name}
        subtitle={
          <>
            {data.tenant_name} · <code className="provider">{data.provider}</code>
          </>
        }
      >
        <SyncNowButton connection={data} canOperate={canOperate} />
        {back}
      </PageHeader>
      <div className="detail-grid">
        <ConnectionFacts connection={data} />
        <ConnectionActions connection={data} role={user.role} />
      </div>
      <ConnectionHistory id={data.id} />
      <ConnectionRuns id={data.id} />
    </section>
  );
}
