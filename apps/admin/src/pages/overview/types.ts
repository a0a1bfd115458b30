import type { OverviewRange } from "@synchub/api/schemas";
import type { RouterOutputs } from "../../trpc.ts";

export type Summary = RouterOutputs["overview"]["summary"];
export type PoolHealth = Summary["pools"][number];
export type HealthStatus = PoolHealth["status"];
export type AttentionItem = RouterOutputs["overview"]["needsAttention"]["items"][number];
export type RecentFailure = RouterOutputs["overview"]["recentFailures"][number];

/** What each range reads as on the page. */
export const rangeLabels: Record<OverviewRange, string> = {
  "1h": "last hour",
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
