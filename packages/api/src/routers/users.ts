import { randomUUID } from "node:crypto";
import { deleteUser, findUserById, insertUser, listUsers, setUserRole } from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { hashPassword } from "../auth/password.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

export const roleSchema = z.enum(["viewer", "operator", "admin"]);

export const createUserSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, "A username is required")
    .max(100, "Use at most 100 characters")
    .regex(/^[^\s:]+$/, "A username has no spaces or colons")
    // Control, format (bidi overrides, zero-width) and unassigned characters make one name look
    // like another in the console and the audit log.
    .regex(/^\P{C}+$/u, "A username has no control, invisible or direction-changing characters"),
  password: z.string().min(8, "A password has at least 8 characters").max(1000),
  role: roleSchema,
});

const userIdSchema = z.object({ id: z.uuid("User ids are UUIDs") });

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
    .input(userIdSchema.extend({ role: roleSchema }))
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
