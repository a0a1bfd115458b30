/**
 * One rule for every string that reaches a procedure, applied to the raw input before any
 * procedure's own schema: Postgres cannot store a NUL byte or a lone UTF-16 surrogate (it
 * answered 500 with its own message), and no field of ours needs a string longer than
 * MAX_STRING_LENGTH. Keys are checked like values, since some inputs are records.
 */

/** The longest string any procedure accepts; fields with a tighter limit say so in their schema. */
export const MAX_STRING_LENGTH = 10_000;

export interface InputIssue {
  path: (string | number)[];
  message: string;
}

/** Thrown (as a TRPCError's cause) when an input breaks the rule; formatted like a zod error. */
export class InputRuleError extends Error {
  readonly issues: (InputIssue & { code: "custom" })[];
  constructor(issues: InputIssue[]) {
    super(issues[0]?.message ?? "Invalid input");
    this.issues = issues.map((issue) => ({ code: "custom", ...issue }));
  }
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function storableTextIssues(input: unknown, path: (string | number)[] = [], depth = 0): InputIssue[] {
  if (typeof input === "string") {
    const problem = stringProblem(input);
    return problem ? [{ path, message: problem }] : [];
  }
  if (input === null || typeof input !== "object" || depth > 20) return [];
  const issues: InputIssue[] = [];
  const entries: [string | number, unknown][] = Array.isArray(input)
    ? input.map((value, index) => [index, value])
    : Object.entries(input);
  for (const [key, value] of entries) {
    if (typeof key === "string") {
      const problem = stringProblem(key);
      if (problem) issues.push({ path: [...path, key], message: `The field name: ${problem}` });
    }
    issues.push(...storableTextIssues(value, [...path, key], depth + 1));
    if (issues.length >= 20) break;
  }
  return issues;
}

function stringProblem(value: string): string | null {
  if (value.length > MAX_STRING_LENGTH) return `Use at most ${MAX_STRING_LENGTH} characters`;
  if (value.includes("\u0000")) return "Text cannot contain a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(value)) return "Text cannot contain an unpaired UTF-16 surrogate";
  return null;
}
