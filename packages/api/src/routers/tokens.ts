import { randomUUID } from "node:crypto";
import { insertApiToken, listApiTokens, revokeApiToken } from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { generateApiToken } from "../auth/apiTokens.ts";
import { procedureFor, router, withAudit } from "../trpc.ts";
import { roleSchema } from "./users.ts";

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "A token needs a name").max(100),
  role: roleSchema,
});

export const tokensRouter = router({
  /** Never the secret nor its hash: the token is shown once, by `create`. */
  list: procedureFor("admin").query(({ ctx }) => listApiTokens(ctx.db)),

  create: procedureFor("admin")
    .input(createTokenSchema)
    .mutation(async ({ ctx, input }) => {
      const id = randomUUID();
      const { token, tokenHash, prefix } = generateApiToken();
      const row = await withAudit(
        ctx,
        {
          action: "token.create",
          objectType: "api_token",
          objectId: id,
          details: { name: input.name, role: input.role, prefix },
        },
        (trx) =>
          insertApiToken(trx, {
            id,
            name: input.name,
            tokenHash,
            prefix,
            role: input.role,
            createdBy: ctx.user.username,
          }),
      );
      return { ...row, token };
    }),

  revoke: procedureFor("admin")
    .input(z.object({ id: z.uuid("Token ids are UUIDs") }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await withAudit(
        ctx,
        { action: "token.revoke", objectType: "api_token", objectId: input.id },
        async (trx) => (await revokeApiToken(trx, input.id)) ?? null,
      );
      if (!revoked) {
        throw new TRPCError({ code: "NOT_FOUND", message: `No live token with id ${input.id}` });
      }
      return revoked;
    }),
});
