import type { RouterInputs } from "../../trpc.ts";

/** runs.list's input without its "no input" alternative. */
type RunsInput = Extract<RouterInputs["runs"]["list"], { scope?: unknown }>;

export const runStatuses = [
  "running",
  "succeeded",
  "failed",
  "deferred",
] as const satisfies readonly NonNullable<RunsInput["status"]>[];

/** What may start a run (the synchub.run_trigger domain; runs.filterOptions lists the same). */
export const runTriggers = [
  "schedule",
  "manual",
  "sql",
  "created",
  "replay",
  "webhook",
  "http",
  "qstash",
] as const satisfies readonly NonNullable<RunsInput["trigger"]>[];

export const scopes = {
  work: "Syncs and jobs",
  syncs: "Syncs",
  jobs: "Business jobs",
  ticks: "Scheduler ticks",
  all: "Everything",
} as const;

/** Time ranges up to now, by their URL value. */
export const runRanges = ["1h", "24h", "7d"] as const;
export type RunRange = (typeof runRanges)[number];
export const rangeLabels: Record<RunRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 h",
  "7d": "Last 7 days",
};
const rangeMs: Record<RunRange, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

/**
 * The instant a preset range starts, on a whole minute so the query (and its cache key) stays
 * the same between renders and moves on once a minute.
 */
export function rangeStart(range: RunRange, now: number): Date {
  return new Date(Math.floor((now - rangeMs[range]) / 60_000) * 60_000);
}

/** A datetime-local value as an instant of the viewer's zone; undefined when empty or unreadable. */
export function fromLocalTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
