import { listAudit } from "@synchub/db";
import { z } from "zod";
import { procedureFor, router } from "../trpc.ts";

export const auditFilterSchema = z.object({
  objectType: z.string().trim().min(1).max(100).optional(),
  objectId: z.string().trim().min(1).max(200).optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  /** An exact action, or a family ending in a dot: "auth." is every login, failure and lockout. */
  action: z.string().trim().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const auditRouter = router({
  /** Newest first. (Default limit: 200) */
  list: procedureFor("viewer")
    .input(auditFilterSchema.optional())
    .query(({ ctx, input }) => listAudit(ctx.db, input ?? {})),
});
