import type { AppRouter } from "@synchub/api";
import type { inferRouterClient } from "@trpc/client";
import { count } from "../../format.ts";

type Client = inferRouterClient<AppRouter>;
export type CreditRun = Awaited<ReturnType<Client["credits"]["runs"]["query"]>>[number];
export type Balances = Awaited<ReturnType<Client["credits"]["balances"]["query"]>>;
export type Holder = Balances["top"][number];
export type NearLimit = Awaited<ReturnType<Client["quotas"]["nearLimit"]["query"]>>[number];
export type QuotaStatus = Awaited<ReturnType<Client["quotas"]["status"]["query"]>>;
export type QueueStat = Awaited<ReturnType<Client["quotas"]["queueStats"]["query"]>>[number];
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
