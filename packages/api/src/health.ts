import { type Database, type TargetGroupHealth, targetGroupHealth, workerLiveness } from "@synchub/db";
import {
  type HealthStatus,
  judgeTargetGroup,
  judgeWorkers,
  WORKER_SILENCE_MS,
  worstStatus,
} from "@synchub/domain";

export interface JudgedTargetGroup extends TargetGroupHealth {
  status: HealthStatus;
  reason: string;
}

export interface SyncHealthReport {
  status: HealthStatus;
  checkedAt: string;
  /** Whether any worker process is alive (heartbeats); none alive is Critical. */
  workers: { status: HealthStatus; reason: string; alive: number; lastHeartbeatAt: string | null };
  /** One entry per pool and kind: the targets of one kind sharing one pool's budget. */
  pools: JudgedTargetGroup[];
}

/** Judges every pool and kind from its targets' facts (shared by /health/sync and the Overview). */
export function judgeTargetGroups(groups: TargetGroupHealth[], now: number): JudgedTargetGroup[] {
  return groups.map((group) => ({
    ...group,
    ...judgeTargetGroup(
      {
        activeTargets: group.activeTargets,
        lateTargets: group.states.late,
        lastSuccessAt: group.lastSuccessAt,
        failingTargets: group.states.failing,
        authPausedTargets: group.states.paused_by_system,
        permanentDeadLetters: group.permanentDeadLetters,
      },
      now,
    ),
  }));
}

/** The workers judged from their heartbeats: none alive is Critical (shared with the Overview). */
export async function judgedWorkers(db: Database, now: number): Promise<SyncHealthReport["workers"]> {
  const liveness = await workerLiveness(db, WORKER_SILENCE_MS);
  return {
    ...judgeWorkers(liveness.lastBeatAt, now),
    alive: liveness.alive,
    lastHeartbeatAt: liveness.lastBeatAt?.toISOString() ?? null,
  };
}

/** GET /health/sync: every pool and kind judged and the workers' heartbeats; the worst decides the whole. */
export async function syncHealth(db: Database): Promise<SyncHealthReport> {
  const now = Date.now();
  const [groups, workers] = await Promise.all([targetGroupHealth(db), judgedWorkers(db, now)]);
  const pools = judgeTargetGroups(groups, now);
  return {
    status: worstStatus([workers.status, ...pools.map((pool) => pool.status)]),
    checkedAt: new Date(now).toISOString(),
    workers,
    pools,
  };
}
