import { recordAudit } from "@synchub/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { ApiContext } from "./context.ts";

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  // Validation failures carry each issue's field path, so forms and API clients can name the field.
  errorFormatter({ shape, error }) {
    const issues =
      error.code === "BAD_REQUEST" && error.cause instanceof ZodError
        ? error.cause.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }))
        : null;
    return { ...shape, data: { ...shape.data, issues } };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

const roleRank = { viewer: 0, operator: 1, admin: 2 } as const;
export type Role = keyof typeof roleRank;

/** A procedure open to logged-in users with at least `role`. */
export function procedureFor(role: Role) {
  return t.procedure.use(({ ctx, next }) => {
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
