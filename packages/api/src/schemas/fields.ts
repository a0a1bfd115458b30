/**
 * Field builders whose every message is written for the person filling in a form ("Use a whole
 * number", "Enter a name"), never zod's defaults ("expected int, received number"). The server
 * validates with the same schemas, so its 400 issues carry the same words.
 *
 * Imports zod and nothing else: the admin bundles this folder.
 */
import { z } from "zod";

/**
 * A number from a form field or a JSON body: "12" and 12 are the same, "" is no number at all.
 * Typed `number | string` on the way in (not `unknown`), so a form's values keep a useful type.
 */
function numberOrDigits(missing: string, checked: z.ZodNumber) {
  return z
    .union([z.number(), z.string()], {
      error: (issue) => (issue.input === undefined ? missing : "Enter a number"),
    })
    .transform((value) => {
      if (typeof value === "number") return value;
      const trimmed = value.trim();
      return trimmed === "" ? undefined : Number(trimmed);
    })
    .pipe(
      z.number({ error: (issue) => (issue.input === undefined ? missing : "Enter a number") }).pipe(checked),
    );
}

/**
 * A whole number between `min` and `max`. Accepts digits as text, as a form's input gives them.
 * `what` is the message when it is missing. (Default: "Enter a number")
 */
export function wholeNumber(options: {
  min: number;
  max: number;
  what?: string;
  /** What a number below `min` reads. (Default: "Use <min> or more") */
  tooSmall?: string;
}) {
  const { min, max } = options;
  return numberOrDigits(
    options.what ?? "Enter a number",
    z
      .number()
      .int("Use a whole number")
      .min(min, options.tooSmall ?? `Use ${min} or more`)
      .max(max, `Use at most ${max.toLocaleString("en-US")}`),
  );
}

/** A number (fractions allowed) between `min` and `max`, digits as text accepted. */
export function decimalNumber(options: { min: number; max: number }) {
  return numberOrDigits(
    "Enter a number",
    z
      .number()
      .min(options.min, `Use ${options.min} or more`)
      .max(options.max, `Use at most ${options.max.toLocaleString("en-US")}`),
  );
}

/**
 * Text that must not be blank (surrounding spaces are dropped): `missing` is what a person reads
 * when it is ("Enter a name"), `max` the longest it may be.
 */
export function requiredText(missing: string, max: number) {
  return (
    z
      .string({ error: missing })
      .trim()
      // Blank says only that: later checks (length, patterns) do not pile on.
      .min(1, { error: missing, abort: true })
      .max(max, `Use at most ${max} characters`)
  );
}

/** Text that may be left out or blank; blank is the same as left out. */
export function optionalText(max: number) {
  return z
    .string({ error: "Enter text" })
    .trim()
    .max(max, `Use at most ${max} characters`)
    .optional()
    .transform((value) => (value === "" ? undefined : value));
}

/** One of a fixed list: "Pick one of: free, pro, enterprise". */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Pick one of: ${values.join(", ")}` });
}

/** An http(s) URL. */
export function httpUrl() {
  return z.url({
    protocol: /^https?$/,
    error: "Enter a valid URL starting with http:// or https://",
  });
}

/** A UUID: `what` names the thing it picks ("Pick a tenant"). */
export function uuidOf(what: string) {
  return z.uuid({ error: `${what} ids are UUIDs` });
}

/**
 * A bigserial id as text: digits only, and at most 18 of them, so it always fits Postgres'
 * bigint (a 20-digit id used to reach the database and fail there with a 500).
 */
export function bigintId(what: string) {
  return z
    .string({ error: `${what} ids are whole numbers of at most 18 digits` })
    .regex(/^\d{1,18}$/, `${what} ids are whole numbers of at most 18 digits`);
}
