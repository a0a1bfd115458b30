import { type Database, type ProviderSyncHealth, providerSyncHealth } from "@synchub/db";
import { type HealthStatus, judgeProviderHealth, worstStatus } from "@synchub/domain";

export interface SyncHealthReport {
  status: HealthStatus;
  checkedAt: string;
  providers: (ProviderSyncHealth & { status: HealthStatus; reason: string })[];
}

/** GET /health/sync: every provider judged, the worst decides the whole. */
export async function syncHealth(db: Database): Promise<SyncHealthReport> {
  const now = Date.now();
  const providers = (await providerSyncHealth(db)).map((facts) => ({
    ...facts,
    ...judgeProviderHealth(facts, now),
  }));
  return {
    status: worstStatus(providers.map((provider) => provider.status)),
    checkedAt: new Date(now).toISOString(),
    providers,
  };
}
