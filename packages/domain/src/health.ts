export type HealthStatus = "Healthy" | "Warning" | "Critical";

export interface ProviderHealthFacts {
  activeConnections: number;
  /** Active connections overdue by more than their own interval. */
  lateConnections: number;
  lastSuccessAt: Date | null;
}

const STATUS_RANK: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2 };
/** No successful sync of a provider with active connections for this long is Critical. */
export const CRITICAL_SILENCE_MS = 24 * 3_600_000;

/**
 * Per provider: Critical when it has active connections and nothing succeeded in 24 h (or ever),
 * Warning when a due connection is late by more than its own interval, otherwise Healthy.
 */
export function judgeProviderHealth(
  facts: ProviderHealthFacts,
  now: number,
): { status: HealthStatus; reason: string } {
  if (facts.activeConnections === 0) return { status: "Healthy", reason: "no active connections" };
  if (!facts.lastSuccessAt || now - facts.lastSuccessAt.getTime() > CRITICAL_SILENCE_MS) {
    return {
      status: "Critical",
      reason: facts.lastSuccessAt ? "no successful sync in 24 hours" : "no sync has ever succeeded",
    };
  }
  if (facts.lateConnections > 0) {
    return {
      status: "Warning",
      reason: `${facts.lateConnections} connection(s) late by more than their interval`,
    };
  }
  return { status: "Healthy", reason: "syncing on schedule" };
}

export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>(
    (worst, status) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst),
    "Healthy",
  );
}
