import { count } from "../../format.ts";
import type { RouterOutputs } from "../../trpc.ts";

export type CreditRun = RouterOutputs["credits"]["runs"][number];
export type Balances = RouterOutputs["credits"]["balances"];
export type Holder = Balances["top"][number];
export type NearLimit = RouterOutputs["quotas"]["nearLimit"][number];
export type QuotaStatus = RouterOutputs["quotas"]["status"];
export type QueueStat = RouterOutputs["quotas"]["queueStats"][number];
export type Metric = NearLimit["metric"];

export const metricLabels: Record<Metric, string> = {
  uploads: "Uploads today",
  aiRequests: "AI requests this month",
  storageBytes: "Storage",
};

export function formatAmount(metric: Metric, value: number): string {
  if (metric !== "storageBytes") return count(value);
  const gib = value / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(gib >= 100 ? 0 : 1)} GiB` : `${(value / 1024 ** 2).toFixed(0)} MiB`;
}
