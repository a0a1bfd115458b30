import type { RouterOutputs } from "../../trpc.ts";

export type Schedule = RouterOutputs["schedules"]["list"][number];
export type ScheduleDetail = RouterOutputs["schedules"]["byId"];
export type LedgerEntry = ScheduleDetail["ledger"][number];
export type Policy = Schedule["missed_policy"];

export const policyLabels: Record<Policy, string> = {
  skip: "skip missed runs",
  once: "run once after an outage",
  all: "run every missed one (up to the cap)",
};
