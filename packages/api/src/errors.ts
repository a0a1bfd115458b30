import { isDatabaseUnavailable } from "@synchub/db";
import type { TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import type { ApiContext } from "./context.ts";
import { InputRuleError } from "./inputRules.ts";

/** A field a validation error names: "ids", "credentials.adminKey", "" for the input as a whole. */
export interface FieldIssue {
  path: string;
  message: string;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodIssueLike[][];
}

/**
 * What a caller sees of an error: a message, the code, the HTTP status, the field issues of a
 * validation error and the request id to quote to an operator. Never a stack or a cause: those go
 * to the server's log under the same request id. A database that cannot be reached is a 503
 * "database unavailable" whatever the procedure was doing.
 */
export function formatApiError({
  shape,
  error,
  ctx,
}: {
  shape: { message: string; code: number; data: { code: string; httpStatus: number; path?: string } };
  error: TRPCError;
  ctx: ApiContext | undefined;
}) {
  const requestId = ctx?.requestId ?? null;
  const path = shape.data.path ?? null;
  if (isDatabaseUnavailable(error.cause)) {
    return {
      message: "database unavailable",
      code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
      data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, path, requestId, issues: null },
    };
  }
  const internal = error.code === "INTERNAL_SERVER_ERROR";
  const issues =
    error.code === "BAD_REQUEST" && hasIssues(error.cause) ? fieldIssues(error.cause.issues) : null;
  // A validation error's own message is the zod issue list as JSON: say the fields instead.
  const message = internal
    ? `Internal server error (request id ${requestId ?? "unknown"})`
    : issues
      ? issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ")
      : shape.message;
  return {
    message,
    code: shape.code,
    data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path, requestId, issues },
  };
}

/**
 * Issues with their field paths. A union that matched no branch is reported by the branch the
 * input came closest to (fewest missing fields, then fewest issues), so `{ ids: [] }` against
 * "ids or fingerprint" names `ids`, not the input as a whole.
 */
export function fieldIssues(issues: readonly ZodIssueLike[]): FieldIssue[] {
  return flatten([...issues], []);
}

/** A zod error, or the input rule's own: both carry zod-shaped issues. */
function hasIssues(cause: unknown): cause is { issues: ZodIssueLike[] } {
  return cause instanceof ZodError || cause instanceof InputRuleError;
}

function flatten(issues: ZodIssueLike[], prefix: PropertyKey[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => missing(a) - missing(b) || a.length - b.length)[0];
      if (closest && closest.length > 0) return flatten(closest, path);
    }
    return [{ path: path.map(String).join("."), message: issue.message }];
  });
}

function missing(issues: ZodIssueLike[]): number {
  return issues.filter((issue) => issue.code === "invalid_type" && / received undefined$/.test(issue.message))
    .length;
}
