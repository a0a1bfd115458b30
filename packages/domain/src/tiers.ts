import { z } from "zod";

export const tiers = ["enterprise", "pro", "free"] as const;
export const tierSchema = z.enum(tiers);
export type Tier = z.infer<typeof tierSchema>;

const MINUTE = 60_000;

/** How often a tenant's connections sync (SPEC S1). Mirrored by synchub.tier_interval() in SQL. */
export const tierIntervalMs: Record<Tier, number> = {
  enterprise: 30 * MINUTE,
  pro: 60 * MINUTE,
  free: 6 * 60 * MINUTE,
};

/**
 * graphile-worker priority (lower runs first) for scheduled syncs: higher tiers first.
 * Manual, SQL and first syncs use `requestedSyncPriority` so they never queue behind a backlog.
 * Mirrored by synchub.tier_priority() in SQL.
 */
export const tierPriority: Record<Tier, number> = { enterprise: 10, pro: 20, free: 30 };
export const requestedSyncPriority = 0;

/**
 * A small random spread added to each next sync, so thousands of connections created or synced
 * together drift apart instead of firing in the same second: up to 2 % of the interval, at most
 * one minute.
 */
export function syncJitterMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(intervalMs * 0.02, 60_000));
}
