import type { AppRouter } from "@synchub/api";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, type inferRouterClient, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

type Client = inferRouterClient<AppRouter>;
export type User = NonNullable<Awaited<ReturnType<Client["auth"]["me"]["query"]>>>;
export type Connection = Awaited<ReturnType<Client["connections"]["list"]["query"]>>["items"][number];
export type Run = Awaited<ReturnType<Client["runs"]["list"]["query"]>>["items"][number];

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
