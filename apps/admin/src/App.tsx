import { useQuery, useQueryClient } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { useEffect } from "react";
import { ErrorBanner, Loading } from "./components/ui.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { makeRouter } from "./router.tsx";
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
  return <SignedIn user={me.data} />;
}

/** Created once: the router keeps its state (and the URL's filters) across session changes. */
const router = makeRouter();

function SignedIn({ user }: { user: User }) {
  return <RouterProvider router={router} context={{ user }} />;
}
