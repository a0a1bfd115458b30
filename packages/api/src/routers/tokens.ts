import { randomUUID } from "node:crypto";
import { insertApiToken, listApiTokens, revokeApiToken } from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { generateApiToken } from "../auth/apiTokens.ts";
import { InputRuleError } from "../inputRules.ts";
import { createTokenSchema, tokenIdSchema } from "../schemas/index.ts";
import { procedureFor, router, withAudit } from "../trpc.ts";

/** A 400 naming each listed procedure that does not exist, as a validation error would. */
async function checkProcedureNames(names: string[] | undefined): Promise<void> {
  if (!names) return;
  // Imported when needed: the app router imports this router.
  const { appRouter } = await import("../root.ts");
  const known = new Set(Object.keys(appRouter._def.procedures));
  const issues = names.flatMap((name, i) =>
    known.has(name) ? [] : [{ path: ["procedures", i], message: `There is no procedure ${name}` }],
  );
  if (issues.length > 0) {
    const cause = new InputRuleError(issues);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
}

export const tokensRouter = router({
  /** Never the secret nor its hash: the token is shown once, by `create`. */
  list: procedureFor("admin").query(({ ctx }) => listApiTokens(ctx.db)),

  create: procedureFor("admin")
    .input(createTokenSchema)
    .mutation(async ({ ctx, input }) => {
      await checkProcedureNames(input.procedures);
      const id = randomUUID();
      const { token, tokenHash, prefix } = generateApiToken();
      const row = await withAudit(
        ctx,
        {
          action: "token.create",
          objectType: "api_token",
          objectId: id,
          details: { name: input.name, role: input.role, prefix, procedures: input.procedures ?? null },
        },
        (trx) =>
          insertApiToken(trx, {
            id,
            name: input.name,
            tokenHash,
            prefix,
            role: input.role,
            procedures: input.procedures ?? null,
            createdBy: ctx.user.username,
          }),
      );
      return { ...row, token };
    }),

  revoke: procedureFor("admin")
    .input(tokenIdSchema)
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
