import type { AppRouter } from "@synchub/api";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

export type { AppRouter };

export interface SynchubClientOptions {
  /** Base URL of the synchub server, e.g. https://synchub.internal.example.com */
  url: string;
  /**
   * An API token (`shk_...`, created by an admin on the Tokens page), sent as
   * `Authorization: Bearer`; the calls get the token's role. (Default: none)
   */
  token?: string | undefined;
  /** Extra headers on every call, e.g. a session cookie. (Default: none) */
  headers?: Record<string, string> | undefined;
}

/** A tRPC client typed by synchub's router, for other TypeScript services. */
export function createSynchubClient(options: SynchubClientOptions): TRPCClient<AppRouter> {
  const headers: Record<string, string> = {
    ...options.headers,
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.url.replace(/\/$/, "")}/trpc`,
        transformer: superjson,
        headers: () => headers,
      }),
    ],
  });
}
