import { type Database, lastWorkerHeartbeat, type ProviderSyncHealth, providerSyncHealth } from "@synchub/db";
import { type HealthStatus, judgeProviderHealth, judgeWorkers, worstStatus } from "@synchub/domain";

export interface SyncHealthReport {
  status: HealthStatus;
  checkedAt: string;
  /** Whether any worker process is alive (heartbeats); none alive is Critical. */
  workers: { status: HealthStatus; reason: string; lastHeartbeatAt: string | null };
  providers: (ProviderSyncHealth & { status: HealthStatus; reason: string })[];
}

/** GET /health/sync: every pool judged and the workers' heartbeats; the worst decides the whole. */
export async function syncHealth(db: Database): Promise<SyncHealthReport> {
  const now = Date.now();
  const [facts, lastBeat] = await Promise.all([providerSyncHealth(db), lastWorkerHeartbeat(db)]);
  const providers = facts.map((pool) => ({ ...pool, ...judgeProviderHealth(pool, now) }));
  const workers = { ...judgeWorkers(lastBeat, now), lastHeartbeatAt: lastBeat?.toISOString() ?? null };
  return {
    status: worstStatus([workers.status, ...providers.map((provider) => provider.status)]),
    checkedAt: new Date(now).toISOString(),
    workers,
    providers,
  };
}
