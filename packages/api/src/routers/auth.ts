import { type Database, recordAudit } from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { logIn, logOut } from "../auth/sessions.ts";
import { loginSchema } from "../schemas/auth.ts";
import { publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),
  login: publicProcedure.input(loginSchema).mutation(async ({ ctx, input }) => {
    const address = ctx.clientAddress ?? null;
    const throttle = ctx.loginThrottle;
    const wait = throttle ? await throttle.retryAfter(input.username, address) : 0;
    if (wait > 0) {
      ctx.setHeader?.("Retry-After", String(wait));
      throw tooManyAttempts(wait);
    }
    const session = await logIn(ctx.db, input.username, input.password);
    if (!session) {
      const lockedFor = throttle ? await throttle.recordFailure(input.username, address) : 0;
      await auditLogin(ctx.db, input.username, "auth.login_failed", address);
      if (lockedFor > 0) {
        await auditLogin(ctx.db, input.username, "auth.lockout", address, { seconds: lockedFor });
      }
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong username or password" });
    }
    await throttle?.recordSuccess(input.username);
    await auditLogin(ctx.db, session.user.username, "auth.login", address);
    ctx.session.set(session.token, session.expiresAt);
    return session.user;
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.session.token) await logOut(ctx.db, ctx.session.token);
    ctx.session.clear();
    return { ok: true };
  }),
});

function tooManyAttempts(seconds: number): TRPCError {
  const minutes = Math.ceil(seconds / 60);
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `Too many failed logins: try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
  });
}

/** Login events name the username as typed (the actor is not known to be real) and the address. */
function auditLogin(
  db: Database,
  username: string,
  action: "auth.login" | "auth.login_failed" | "auth.lockout",
  address: string | null,
  details: Record<string, unknown> = {},
) {
  return recordAudit(db, [
    { actor: username, action, objectType: "user", objectId: username, details: { address, ...details } },
  ]);
}
