import { z } from "zod";
import { requiredText, uuidOf } from "./fields.ts";
import { roleSchema } from "./users.ts";

/**
 * The new API token form (`tokens.create`). Whether each named procedure exists is checked by the
 * server, which knows them.
 */
export const createTokenSchema = z.object({
  name: requiredText("Enter a name", 100),
  role: roleSchema,
  /**
   * The only procedures the token may call, e.g. ["quotas.consume"] for a billing service.
   * (Default: every procedure its role allows)
   */
  procedures: z
    .array(z.string().regex(/^[a-zA-Z]+\.[a-zA-Z]+$/, 'A procedure is named like "quotas.consume"'))
    .min(1, "Name at least one procedure, or leave the list out")
    .max(100, "Name at most 100 procedures")
    .optional(),
});

export const tokenIdSchema = z.object({ id: uuidOf("Token") });
