import { recordAudit } from "@synchub/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { ApiContext } from "./context.ts";
import { formatApiError } from "./errors.ts";
import { InputRuleError, storableTextIssues } from "./inputRules.ts";

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  // Never put stack traces in answers, whatever NODE_ENV says; the server logs them.
  isDev: false,
  errorFormatter: formatApiError,
});

export const router = t.router;

/**
 * Every procedure starts here: a context that failed to build fails the call, a cookie-borne
 * change from another site is refused, and strings that Postgres cannot store (or that are
 * absurdly long) are refused before any schema or handler runs.
 */
const baseProcedure = t.procedure.use(async ({ ctx, type, getRawInput, next }) => {
  if (ctx.failure) throw ctx.failure;
  if (type === "mutation" && ctx.crossSiteOrigin) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `Cross-site request refused: ${ctx.crossSiteOrigin} is not this console's origin (see SYNCHUB_PUBLIC_URL)`,
    });
  }
  const issues = storableTextIssues(await getRawInput());
  if (issues.length > 0) {
    const cause = new InputRuleError(issues);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return next();
});

export const publicProcedure = baseProcedure;

const roleRank = { viewer: 0, operator: 1, admin: 2 } as const;
export type Role = keyof typeof roleRank;

/** A procedure open to logged-in users with at least `role`. */
export function procedureFor(role: Role) {
  return baseProcedure.use(({ ctx, path, next }) => {
    if (!ctx.user) {
      const message =
        ctx.credential === "api-token"
          ? "The API token is unknown or revoked"
          : ctx.credential === "session"
            ? "Your session has expired: log in again"
            : "Log in first";
      throw new TRPCError({ code: "UNAUTHORIZED", message });
    }
    if (roleRank[ctx.user.role] < roleRank[role]) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${role} role` });
    }
    if (ctx.user.procedures && !ctx.user.procedures.includes(path)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This API token may call only ${ctx.user.procedures.join(", ")}`,
      });
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

/**
 * Runs a change and its audit entry in one transaction: the entry exists exactly when the change
 * does. `change` returns false (or null) for an unknown object, which is not audited.
 */
export async function withAudit<T>(
  ctx: ApiContext & { user: NonNullable<ApiContext["user"]> },
  entry: { action: string; objectType: string; objectId: string; details?: Record<string, unknown> },
  change: (trx: ApiContext["db"]) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const result = await change(trx as unknown as ApiContext["db"]);
    if (result !== false && result !== null && result !== undefined) {
      await recordAudit(trx, [{ actor: ctx.user.username, ...entry }]);
    }
    return result;
  });
}

export function notFound(what: string, id: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `No ${what} with id ${id}` });
}
