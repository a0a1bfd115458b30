import { z } from "zod";
import { oneOf, optionalText, requiredText, uuidOf, wholeNumber } from "./fields.ts";

/**
 * Cron and time zone checks a browser can run as a person types. The same rules as
 * @synchub/domain's cronProblem (which needs cron-parser, and the server runs it too): Vixie cron's
 * five fields of numbers, three-letter names, *, lists, ranges and steps. A test holds the two to
 * the same verdicts. Unlike cronProblem, every problem is listed, each naming its field.
 */

export const missedPolicies = ["skip", "once", "all"] as const;
/** Largest catch-up burst one schedule may ask for (@synchub/domain's maxCatchUpCap). */
export const maxCatchUpCap = 100;

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The first name's number (months count from 1, weekdays from 0). */
  namesFrom?: number;
}

const cronFields: CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: months, namesFrom: 1 },
  // 7 is Sunday too, as in Vixie cron.
  { name: "day-of-week", min: 0, max: 7, names: weekdays, namesFrom: 0 },
];

/** The values one field of an expression selects, or its problems. */
function readField(field: CronField, text: string): { values: Set<number>; problems: string[] } {
  const values = new Set<number>();
  const problems: string[] = [];
  const problem = (what: string) => problems.push(`The ${field.name} field "${text}": ${what}`);
  const value = (token: string): number | null => {
    if (/^\d+$/.test(token)) {
      const n = Number(token);
      if (n < field.min || n > field.max) {
        problem(`${n} is outside ${field.min}–${field.max}`);
        return null;
      }
      return n;
    }
    const named = field.names?.indexOf(token.toLowerCase()) ?? -1;
    if (named >= 0) return named + (field.namesFrom ?? 0);
    problem(
      field.names
        ? `"${token}" is not a number or a name (${field.names[0]}, ${field.names[1]}, …)`
        : `"${token}" is not a number`,
    );
    return null;
  };
  for (const item of text.split(",")) {
    const match = /^([^/]*)(?:\/(.*))?$/.exec(item)!;
    const range = match[1]!;
    const stepText = match[2];
    let step = 1;
    if (stepText !== undefined) {
      step = /^\d+$/.test(stepText) ? Number(stepText) : 0;
      if (step < 1) {
        problem(`the step "/${stepText}" must be a whole number of 1 or more`);
        continue;
      }
    }
    if (range === "") {
      problem("an empty list item");
      continue;
    }
    let from: number | null;
    let to: number | null;
    if (range === "*") {
      from = field.min;
      to = field.max;
    } else {
      const bounds = range.split("-");
      if (bounds.length > 2) {
        problem(`"${range}" is not a range`);
        continue;
      }
      from = value(bounds[0]!);
      to = bounds.length === 2 ? value(bounds[1]!) : stepText === undefined ? from : field.max;
      if (from === null || to === null) continue;
      if (from > to) {
        problem(`the range ${range} runs backwards`);
        continue;
      }
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return { values, problems };
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Every problem of a cron expression, each naming its field; empty when the expression is fine. */
export function cronProblems(cron: string): string[] {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return [`Use 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}`];
  }
  const read = fields.map((text, i) => readField(cronFields[i]!, text));
  const problems = read.flatMap((field) => field.problems);
  if (problems.length > 0) return problems;
  // A day of the month restricts on its own only when the day of the week is "*" (otherwise
  // either may match), and then some chosen month must have one of the chosen days.
  const [, , days, monthsChosen] = read;
  if (fields[2] !== "*" && fields[4] === "*") {
    const fits = [...monthsChosen!.values].some((month) =>
      [...days!.values].some((day) => day <= daysInMonth[month - 1]!),
    );
    if (!fits) return ["The day-of-month and month fields never meet: no such date exists"];
  }
  return [];
}

/** Why a time zone name is unusable, or null when it is an IANA zone the runtime knows. */
export function timeZoneProblem(timeZone: string): string | null {
  const example = 'an IANA name such as "Europe/Berlin" or "UTC"';
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) {
    return `"${timeZone}" is not a time zone name: use ${example}`;
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    return `Unknown time zone "${timeZone}": use ${example}`;
  }
  return null;
}

/** A cron expression, spelled one way (single spaces); each problem is its own issue. */
export const cronSchema = z
  .string({ error: "Enter a cron expression" })
  .trim()
  .min(1, "Enter a cron expression")
  .max(200, "Use at most 200 characters")
  .superRefine((value, ctx) => {
    for (const message of cronProblems(value)) ctx.addIssue({ code: "custom", message });
  })
  .transform((value) => value.split(/\s+/).join(" "));

export const timeZoneSchema = z
  .string({ error: "Enter a time zone" })
  .trim()
  .min(1, "Enter a time zone")
  .max(100, "Use at most 100 characters")
  .superRefine((value, ctx) => {
    const problem = timeZoneProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const scheduleFields = {
  cron: cronSchema,
  timeZone: timeZoneSchema,
  missedPolicy: oneOf(missedPolicies),
  catchUpCap: wholeNumber({ min: 1, max: maxCatchUpCap, what: "Enter how many missed runs to catch up" }),
  enabled: z.boolean({ error: "Choose on or off" }).optional(),
};

/** The schedule edit form (`schedules.update`). */
export const scheduleUpdateSchema = z.object({ id: uuidOf("Schedule"), ...scheduleFields });

/**
 * A new schedule of a task the worker knows. No procedure takes it yet (schedules are created by
 * migrations and the SQL API); here so the form and a future `schedules.create` share it.
 */
export const scheduleCreateSchema = z.object({
  name: requiredText("Enter a name", 100),
  task: requiredText("Pick a task", 100).regex(
    /^[a-z]+(?:\.[a-zA-Z]+)+$/,
    'A task is named like "credits.grant"',
  ),
  description: optionalText(500),
  ...scheduleFields,
});

/** Next runs of a cron and zone while the form is filled in (`schedules.preview`). (Default: 5) */
export const schedulePreviewSchema = z.object({
  cron: cronSchema,
  timeZone: timeZoneSchema,
  count: wholeNumber({ min: 1, max: 50 }).optional(),
});
