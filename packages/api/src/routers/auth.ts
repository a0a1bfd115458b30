import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { logIn, logOut } from "../auth/sessions.ts";
import { publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),
  login: publicProcedure
    .input(z.object({ username: z.string().trim().min(1), password: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const session = await logIn(ctx.db, input.username, input.password);
      if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong username or password" });
      ctx.session.set(session.token, session.expiresAt);
      return session.user;
    }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.session.token) await logOut(ctx.db, ctx.session.token);
    ctx.session.clear();
    return { ok: true };
  }),
});
