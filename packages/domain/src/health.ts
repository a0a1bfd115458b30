export type HealthStatus = "Healthy" | "Warning" | "Critical";

/** What is known of one pool and kind (the targets of one kind sharing one pool). */
export interface TargetGroupFacts {
  activeTargets: number;
  /** Active targets overdue by more than their own interval. */
  lateTargets: number;
  lastSuccessAt: Date | null;
  /** Active targets whose last sync failed. (Default: 0) */
  failingTargets?: number;
  /** Targets the engine paused after repeated authentication failures. (Default: 0) */
  authPausedTargets?: number;
  /** Open dead letters of a permanent failure (a person must act). (Default: 0) */
  permanentDeadLetters?: number;
}

const STATUS_RANK: Record<HealthStatus, number> = { Healthy: 0, Warning: 1, Critical: 2 };
/** No successful sync of a provider with active connections for this long is Critical. */
export const CRITICAL_SILENCE_MS = 24 * 3_600_000;

/**
 * Per pool and kind: Critical when it has active targets and nothing succeeded in 24 h (or ever); Warning
 * when a target was paused after authentication failures, has an open permanent dead letter, is
 * failing, or is late by more than its own interval; otherwise Healthy. A pool whose only target
 * the engine paused is not "no active targets": it needs a person.
 */
export function judgeTargetGroup(
  facts: TargetGroupFacts,
  now: number,
): { status: HealthStatus; reason: string } {
  if (
    facts.activeTargets > 0 &&
    (!facts.lastSuccessAt || now - facts.lastSuccessAt.getTime() > CRITICAL_SILENCE_MS)
  ) {
    return {
      status: "Critical",
      reason: facts.lastSuccessAt ? "no successful sync in 24 hours" : "no sync has ever succeeded",
    };
  }
  const warnings = [
    facts.authPausedTargets ? `${facts.authPausedTargets} paused after authentication failures` : null,
    facts.permanentDeadLetters ? `${facts.permanentDeadLetters} open permanent dead letter(s)` : null,
    facts.failingTargets ? `${facts.failingTargets} failing` : null,
    facts.lateTargets > 0 ? `${facts.lateTargets} target(s) late by more than their interval` : null,
  ].filter((warning): warning is string => warning !== null);
  if (warnings.length > 0) return { status: "Warning", reason: warnings.join("; ") };
  if (facts.activeTargets === 0) return { status: "Healthy", reason: "no active targets" };
  return { status: "Healthy", reason: "syncing on schedule" };
}

/** A worker process silent for longer than this is not alive. (Default: 60 s) */
export const WORKER_SILENCE_MS = 60_000;

/** Critical when no worker process has beaten within WORKER_SILENCE_MS: nothing runs at all. */
export function judgeWorkers(lastBeatAt: Date | null, now: number): { status: HealthStatus; reason: string } {
  if (!lastBeatAt) return { status: "Critical", reason: "no worker has ever reported in" };
  const silentMs = now - lastBeatAt.getTime();
  if (silentMs > WORKER_SILENCE_MS) {
    return {
      status: "Critical",
      reason: `no worker alive: the last heartbeat was ${Math.round(silentMs / 1000)} s ago`,
    };
  }
  return { status: "Healthy", reason: "workers alive" };
}

export function worstStatus(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>(
    (worst, status) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst),
    "Healthy",
  );
}
