import type { AppRouter } from "@synchub/api";
import type { OverviewRange } from "@synchub/api/schemas";
import type { inferRouterClient } from "@trpc/client";

type Client = inferRouterClient<AppRouter>;

export type Summary = Awaited<ReturnType<Client["overview"]["summary"]["query"]>>;
export type PoolHealth = Summary["pools"][number];
export type HealthStatus = PoolHealth["status"];
export type AttentionItem = Awaited<
  ReturnType<Client["overview"]["needsAttention"]["query"]>
>["items"][number];
export type RecentFailure = Awaited<ReturnType<Client["overview"]["recentFailures"]["query"]>>[number];

/** What each range reads as on the page. */
export const rangeLabels: Record<OverviewRange, string> = {
  "1h": "this hour",
  "24h": "24 h",
  "7d": "7 days",
  "30d": "30 days",
};

/** Providers are the pools of the llm.costs kind: only those have a filtered Connections list. */
export const providers = ["openai", "anthropic", "openrouter", "volcengine"] as const;
export type Provider = (typeof providers)[number];
export function asProvider(pool: PoolHealth): Provider | null {
  return pool.kind === "llm.costs" && (providers as readonly string[]).includes(pool.pool)
    ? (pool.pool as Provider)
    : null;
}
