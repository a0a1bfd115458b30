import type { AppRouter } from "@synchub/api";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** What each procedure answers and takes: `RouterOutputs["runs"]["list"]`. The one place these come from. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type User = NonNullable<RouterOutputs["auth"]["me"]>;
export type Connection = RouterOutputs["connections"]["list"]["items"][number];
export type Run = RouterOutputs["runs"]["list"]["items"][number];

/** Polling interval for everything that changes while syncs run. */
export const LIVE_INTERVAL_MS = 2_000;

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED";
}

/** A message fit to show an operator: validation issues name their field. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const issues = error.data?.issues as { path: string; message: string }[] | null | undefined;
    if (issues?.length) return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function makeClients() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !isUnauthorized(error) && count < 2,
        // Coming back to the tab refreshes at once. Interval refreshes (refetchInterval) pause while
        // the tab is hidden: TanStack Query's default, which tests/live.spec.ts holds us to.
        refetchOnWindowFocus: true,
      },
    },
  });
  const trpcClient = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: "/trpc", transformer: superjson })],
  });
  return { queryClient, trpcClient };
}
