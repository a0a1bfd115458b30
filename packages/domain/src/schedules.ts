/**
 * Schedule rules: cron + IANA time zone → occurrences, and what a scheduler tick does with the
 * occurrences it finds due. Pure: the caller passes `now`.
 *
 * Time zones and DST come from cron-parser (which resolves wall-clock times with luxon):
 * - Spring forward: a wall-clock time that does not exist that day (02:30 in New York on
 *   2026-03-08) is moved forward by the length of the gap, so a daily 02:30 job runs once, at
 *   03:30 local time. It is never skipped and never runs twice.
 * - Fall back: a wall-clock time that occurs twice (01:30 in New York on 2026-11-01) runs once, at
 *   the first of the two instants (daylight time). Expressions that match every hour or minute
 *   keep firing on elapsed time through the repeated hour: each absolute instant at most once.
 *
 * Missed occurrences (the worker was down, or a tick came late): a tick looks at every occurrence
 * from the schedule's cursor (`nextOccurrenceAt`, the first occurrence not handled yet) up to
 * `now`. The one less than a minute old, if any, is *current* and always runs. The older ones are
 * *missed*, and the schedule's policy decides:
 * - `skip`: every missed occurrence is recorded as skipped.
 * - `once`: if there is no current occurrence, the most recent missed one runs (as a catch-up);
 *   every other missed occurrence is recorded as skipped. A current run already covers the outage.
 * - `all`: the most recent `cap` missed occurrences run as catch-ups; older ones are skipped.
 * Runs are enqueued oldest first. Only the most recent `skippedLedgerLimit` skips are listed
 * individually; a longer outage's older occurrences are skipped without a ledger row each.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

export const missedPolicies = ["skip", "once", "all"] as const;
export type MissedPolicy = (typeof missedPolicies)[number];

/** Largest catch-up burst one schedule may ask for. */
export const maxCatchUpCap = 100;
/** Skipped occurrences a tick records in the ledger per schedule, most recent first. */
export const skippedLedgerLimit = 50;
/** An occurrence younger than this is on time: the tick runs every minute. */
export const onTimeGraceMs = 60_000;

const fieldNames = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;
// Vixie cron's syntax: numbers, three-letter names, *, lists, ranges and steps. Extensions that
// the library would accept (L, W, #, ?, H for a random "hashed" value) are refused: a schedule
// must mean the same thing to every reader and every run.
const fieldPattern = /^(?:[0-9*,/-]|[A-Za-z]{3})+$/;

/** Why a cron expression is unusable, or null when it is fine. */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  for (const [index, field] of fields.entries()) {
    if (!fieldPattern.test(field)) {
      return `the ${fieldNames[index]} field "${field}" may only use numbers, names, *, commas, ranges and steps`;
    }
  }
  try {
    // Throws for an expression that parses but never fires (e.g. "0 0 30 2 *").
    CronExpressionParser.parse(fields.join(" "), { tz: "UTC" }).next();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return null;
}

/** Why a time zone name is unusable, or null when it is an IANA zone the runtime knows. */
export function timeZoneProblem(timeZone: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) {
    return `"${timeZone}" is not an IANA time zone name (e.g. "Europe/Berlin" or "UTC")`;
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    return `unknown time zone "${timeZone}" (expected an IANA name such as "Europe/Berlin" or "UTC")`;
  }
  return null;
}

/** Every problem with a cron/zone pair, each prefixed with its field: "cron: …", "timeZone: …". */
export function validateCronAndZone(input: { cron: string; timeZone: string }): string[] {
  const problems: string[] = [];
  const cron = cronProblem(input.cron);
  if (cron) problems.push(`cron: ${cron}`);
  const zone = timeZoneProblem(input.timeZone);
  if (zone) problems.push(`timeZone: ${zone}`);
  return problems;
}

export const cronSchema = z
  .string()
  .trim()
  .max(200)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  // One canonical spelling: single spaces between the five fields.
  .transform((value) => value.split(/\s+/).join(" "));

export const timeZoneSchema = z
  .string()
  .trim()
  .max(100)
  .superRefine((value, ctx) => {
    const problem = timeZoneProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const missedPolicySchema = z.enum(missedPolicies);

/** What an admin may change on a schedule (API `schedules.update` and the admin form). */
export const scheduleUpdateSchema = z.object({
  cron: cronSchema,
  timeZone: timeZoneSchema,
  missedPolicy: missedPolicySchema,
  catchUpCap: z
    .number()
    .int("Must be a whole number")
    .min(1, "Must be at least 1")
    .max(maxCatchUpCap, `At most ${maxCatchUpCap}`),
  enabled: z.boolean().optional(),
});
export type ScheduleUpdate = z.infer<typeof scheduleUpdateSchema>;

/** Input of the next-runs preview. */
export const schedulePreviewSchema = z.object({
  cron: cronSchema,
  timeZone: timeZoneSchema,
  count: z.number().int().min(1).max(50).default(5),
});

function parse(cron: string, timeZone: string, after: Date) {
  return CronExpressionParser.parse(cron.trim().split(/\s+/).join(" "), {
    tz: timeZone,
    currentDate: after,
  });
}

/** The next instant, or null when the expression has no further match. */
function nextOf(expression: ReturnType<typeof parse>): Date | null {
  try {
    return expression.next().toDate();
  } catch {
    return null;
  }
}

/**
 * The next `count` occurrences strictly after `after`, as instants. Throws on an invalid cron
 * or zone: validate first.
 */
export function nextOccurrences(cron: string, timeZone: string, after: Date, count: number): Date[] {
  const expression = parse(cron, timeZone, after);
  const out: Date[] = [];
  let previous = after.getTime();
  while (out.length < count) {
    const at = nextOf(expression);
    if (!at) break;
    // Strictly increasing instants, whatever the library does around a DST change.
    if (at.getTime() <= previous) continue;
    previous = at.getTime();
    out.push(at);
  }
  return out;
}

export interface DueInput {
  cron: string;
  timeZone: string;
  /**
   * The schedule's cursor: the first occurrence not handled yet (schedules.next_occurrence_at).
   * Null for a schedule never evaluated: only an occurrence within the last minute counts.
   */
  nextOccurrenceAt: Date | null;
  now: Date;
  policy: MissedPolicy;
  /** Most missed occurrences the `all` policy runs. */
  cap: number;
}

export interface PlannedRun {
  at: Date;
  /** `schedule` for the on-time occurrence, `catch_up` for a missed one that runs late. */
  source: "schedule" | "catch_up";
}

export interface DuePlan {
  /** Occurrences to enqueue, oldest first. */
  run: PlannedRun[];
  /** Occurrences to record as skipped, oldest first (at most `skippedLedgerLimit`). */
  skipped: Date[];
  /** True when older missed occurrences may have been skipped without a ledger row each. */
  moreSkipped: boolean;
  /** The latest occurrence this plan handles, or null when nothing was due. */
  lastOccurrenceAt: Date | null;
  /** The new cursor: the first occurrence after `now`, or null if the expression never fires again. */
  nextOccurrenceAt: Date | null;
}

/** Which due occurrences a tick enqueues and which it records as skipped (see the file comment). */
export function dueOccurrences(input: DueInput): DuePlan {
  const { now, policy } = input;
  const cap = Math.max(1, Math.min(input.cap, maxCatchUpCap));
  const from = input.nextOccurrenceAt ?? new Date(now.getTime() - onTimeGraceMs + 1);
  const keep = (policy === "all" ? cap : 1) + 1 + skippedLedgerLimit;
  const { items: due, olderExist } =
    from.getTime() <= now.getTime()
      ? latestOccurrences(input.cron, input.timeZone, from, now, keep)
      : { items: [], olderExist: false };

  const latest = due.at(-1);
  const current = latest && now.getTime() - latest.getTime() < onTimeGraceMs ? latest : undefined;
  const missed = current ? due.slice(0, -1) : due;

  let runMissed: Date[] = [];
  if (policy === "once" && !current) runMissed = missed.slice(-1);
  if (policy === "all") runMissed = missed.slice(-cap);
  const skippedAll = missed.slice(0, missed.length - runMissed.length);
  const skipped = skippedAll.slice(-skippedLedgerLimit);

  const run: PlannedRun[] = runMissed.map((at) => ({ at, source: "catch_up" }));
  if (current) run.push({ at: current, source: "schedule" });
  const [next] = nextOccurrences(input.cron, input.timeZone, now, 1);
  return {
    run,
    skipped,
    moreSkipped: olderExist || skippedAll.length > skipped.length,
    lastOccurrenceAt: latest ?? null,
    nextOccurrenceAt: next ?? null,
  };
}

/** Hard stop for one scan, so a pathological expression cannot stall a tick. */
const maxScan = 50_000;

/**
 * The latest `keep` occurrences in [from, to], oldest first. Scans forward from ever earlier
 * starting points (1 h, 8 h, 64 h, … before `to`) so that a long outage of a frequent schedule
 * costs a bounded amount of work instead of enumerating every minute since `from`.
 */
function latestOccurrences(
  cron: string,
  timeZone: string,
  from: Date,
  to: Date,
  keep: number,
): { items: Date[]; olderExist: boolean } {
  for (let lookback = 3_600_000; ; lookback *= 8) {
    const start = Math.max(from.getTime(), to.getTime() - lookback);
    const expression = parse(cron, timeZone, new Date(start - 1));
    const items: Date[] = [];
    let total = 0;
    let previous = start - 1;
    while (total < maxScan) {
      const at = nextOf(expression);
      if (!at || at.getTime() > to.getTime()) break;
      if (at.getTime() <= previous) continue;
      previous = at.getTime();
      items.push(at);
      if (items.length > keep) items.shift();
      total += 1;
    }
    if (total >= keep || start <= from.getTime()) {
      return { items, olderExist: start > from.getTime() || total > items.length };
    }
  }
}
