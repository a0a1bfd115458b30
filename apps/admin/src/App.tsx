import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { ErrorBanner, Loading } from "./components/ui.tsx";
import { AuditPage } from "./pages/AuditPage.tsx";
import { ConnectionsPage } from "./pages/ConnectionsPage.tsx";
import { CreditsPage } from "./pages/CreditsPage.tsx";
import { DeadLettersPage } from "./pages/DeadLettersPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { OverviewPage } from "./pages/OverviewPage.tsx";
import { RateLimitsPage } from "./pages/RateLimitsPage.tsx";
import { RunDetailPage } from "./pages/RunDetailPage.tsx";
import { RunsPage } from "./pages/RunsPage.tsx";
import { ScheduleDetailPage, SchedulesPage } from "./pages/SchedulesPage.tsx";
import { TokensPage } from "./pages/TokensPage.tsx";
import { UsersPage } from "./pages/UsersPage.tsx";
import { hrefFor, type Route, useRoute } from "./router.ts";
import { errorMessage, isUnauthorized, type User, useTRPC } from "./trpc.ts";

export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());

  // A session can expire while the console is open: the next query or action answers UNAUTHORIZED,
  // and the operator lands on the login page instead of a wall of errors.
  useEffect(() => {
    const toLogin = () => queryClient.setQueryData(trpc.auth.me.queryKey(), null);
    const unsubscribeQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error" && isUnauthorized(event.action.error)) {
        toLogin();
      }
    });
    const unsubscribeMutations = queryClient.getMutationCache().subscribe((event) => {
      const error = event.mutation?.state.error;
      if (event.type === "updated" && error && isUnauthorized(error)) toLogin();
    });
    return () => {
      unsubscribeQueries();
      unsubscribeMutations();
    };
  }, [queryClient, trpc]);

  if (me.isPending) return <Loading label="Loading synchub…" />;
  if (me.isError) {
    return (
      <div className="login-screen">
        <ErrorBanner>Cannot reach the synchub server: {errorMessage(me.error)}</ErrorBanner>
      </div>
    );
  }
  if (!me.data) return <LoginPage />;
  return <Shell user={me.data} />;
}

const nav: { label: string; route: Route; matches: Route["page"][]; adminOnly?: boolean }[] = [
  { label: "Overview", route: { page: "overview" }, matches: ["overview"] },
  { label: "Connections", route: { page: "connections" }, matches: ["connections"] },
  { label: "Runs", route: { page: "runs", connectionId: null }, matches: ["runs", "run"] },
  { label: "Schedules", route: { page: "schedules" }, matches: ["schedules", "schedule"] },
  { label: "Dead letters", route: { page: "dead-letters" }, matches: ["dead-letters"] },
  { label: "Rate limits", route: { page: "rate-limits" }, matches: ["rate-limits"] },
  { label: "Credits & quotas", route: { page: "credits" }, matches: ["credits"] },
  { label: "Audit log", route: { page: "audit" }, matches: ["audit"] },
  { label: "Users", route: { page: "users" }, matches: ["users"], adminOnly: true },
  { label: "API tokens", route: { page: "tokens" }, matches: ["tokens"], adminOnly: true },
];

function Shell({ user }: { user: User }) {
  const route = useRoute();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        const meKey = trpc.auth.me.queryKey();
        queryClient.setQueryData(meKey, null);
        // Nothing the last user saw stays cached for the next one; the auth.me query keeps its observer.
        const meHash = JSON.stringify(meKey);
        queryClient.removeQueries({ predicate: (query) => JSON.stringify(query.queryKey) !== meHash });
      },
    }),
  );

  return (
    <div className="shell">
      <aside className="sidebar">
        <a className="brand" href={hrefFor({ page: "overview" })}>
          <span className="brand-mark" aria-hidden="true" />
          synchub
        </a>
        <nav aria-label="Main">
          <ul>
            {nav
              .filter((item) => !item.adminOnly || user.role === "admin")
              .map((item) => {
                const current = item.matches.includes(route.page);
                return (
                  <li key={item.label}>
                    <a
                      href={hrefFor(item.route)}
                      className={current ? "nav-link current" : "nav-link"}
                      aria-current={current ? "page" : undefined}
                    >
                      {item.label}
                    </a>
                  </li>
                );
              })}
          </ul>
        </nav>
        <p className="sidebar-foot muted">Updates live every 2 s</p>
      </aside>
      <div className="main">
        <header className="topbar">
          <span className="muted">Operator console</span>
          <div className="user">
            <span className="avatar" aria-hidden="true">
              {user.username.slice(0, 1).toUpperCase()}
            </span>
            <span>
              Signed in as <strong data-testid="current-user">{user.username}</strong>
            </span>
            <span className="badge badge-neutral">{user.role}</span>
            <button
              type="button"
              className="button button-ghost"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
            >
              {logout.isPending ? "Logging out…" : "Log out"}
            </button>
          </div>
        </header>
        <main className="content">
          {route.page === "overview" ? <OverviewPage /> : null}
          {route.page === "connections" ? <ConnectionsPage user={user} /> : null}
          {route.page === "runs" ? <RunsPage connectionId={route.connectionId} /> : null}
          {route.page === "run" ? <RunDetailPage id={route.id} /> : null}
          {route.page === "schedules" ? <SchedulesPage user={user} /> : null}
          {route.page === "schedule" ? <ScheduleDetailPage id={route.id} user={user} /> : null}
          {route.page === "dead-letters" ? <DeadLettersPage user={user} /> : null}
          {route.page === "rate-limits" ? <RateLimitsPage user={user} /> : null}
          {route.page === "credits" ? <CreditsPage user={user} /> : null}
          {route.page === "audit" ? <AuditPage /> : null}
          {route.page === "users" ? <UsersPage user={user} /> : null}
          {route.page === "tokens" ? <TokensPage user={user} /> : null}
        </main>
      </div>
    </div>
  );
}
