import type { AppRouter } from "@synchub/api";
import type { inferRouterClient } from "@trpc/client";

type Client = inferRouterClient<AppRouter>;
export type Schedule = Awaited<ReturnType<Client["schedules"]["list"]["query"]>>[number];
export type ScheduleDetail = Awaited<ReturnType<Client["schedules"]["byId"]["query"]>>;
export type LedgerEntry = ScheduleDetail["ledger"][number];
export type Policy = Schedule["missed_policy"];

export const policyLabels: Record<Policy, string> = {
  skip: "skip missed runs",
  once: "run once after an outage",
  all: "run every missed one (up to the cap)",
};
