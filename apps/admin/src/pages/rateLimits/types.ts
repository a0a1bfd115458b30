import type { AppRouter } from "@synchub/api";
import type { inferRouterClient } from "@trpc/client";

type Client = inferRouterClient<AppRouter>["rateLimits"];
export type PacingKey = Awaited<ReturnType<Client["list"]["query"]>>["items"][number];
export type KeyTotals = Awaited<ReturnType<Client["summary"]["query"]>>;
export type ProviderSettings = Awaited<ReturnType<Client["providers"]["query"]>>[number];
