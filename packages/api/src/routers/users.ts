import { randomUUID } from "node:crypto";
import { deleteUser, findUserById, insertUser, listUsers, setUserRole } from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { hashPassword } from "../auth/password.ts";
import { createUserSchema, setUserRoleSchema, userIdSchema } from "../schemas/index.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

export const usersRouter = router({
  list: procedureFor("admin").query(({ ctx }) => listUsers(ctx.db)),

  create: procedureFor("admin")
    .input(createUserSchema)
    .mutation(async ({ ctx, input }) => {
      const id = randomUUID();
      const passwordHash = await hashPassword(input.password);
      const user = await withAudit(
        ctx,
        {
          action: "user.create",
          objectType: "user",
          objectId: id,
          details: { username: input.username, role: input.role },
        },
        async (trx) =>
          (await insertUser(trx, { id, username: input.username, passwordHash, role: input.role })) ?? null,
      );
      if (!user) {
        throw new TRPCError({ code: "CONFLICT", message: `The username ${input.username} is taken` });
      }
      return user;
    }),

  setRole: procedureFor("admin")
    .input(setUserRoleSchema)
    .mutation(async ({ ctx, input }) => {
      // An admin demoting themself could leave nobody able to manage accounts.
      if (input.id === ctx.user.id) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot change your own role" });
      }
      const user = await findUserById(ctx.db, input.id);
      if (!user) throw notFound("user", input.id);
      const changed = await withAudit(
        ctx,
        {
          action: "user.setRole",
          objectType: "user",
          objectId: input.id,
          details: { username: user.username, from: user.role, to: input.role },
        },
        async (trx) => (await setUserRole(trx, input.id, input.role)) ?? null,
      );
      if (!changed) throw notFound("user", input.id);
      return changed;
    }),

  delete: procedureFor("admin")
    .input(userIdSchema)
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot delete your own account" });
      }
      const user = await findUserById(ctx.db, input.id);
      if (!user) throw notFound("user", input.id);
      const deleted = await withAudit(
        ctx,
        {
          action: "user.delete",
          objectType: "user",
          objectId: input.id,
          details: { username: user.username, role: user.role },
        },
        async (trx) => (await deleteUser(trx, input.id)) ?? null,
      );
      if (!deleted) throw notFound("user", input.id);
      return deleted;
    }),
});
