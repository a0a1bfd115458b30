import { listAudit } from "@synchub/db";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { procedureFor, router } from "../trpc.ts";

export const auditFilterSchema = z.object({
  objectType: z.string().trim().min(1).max(100).optional(),
  objectId: z.string().trim().min(1).max(200).optional(),
  actor: z.string().trim().min(1).max(200).optional(),
  /** An exact action, or a family ending in a dot: "auth." is every login, failure and lockout. */
  action: z.string().trim().min(1).max(100).optional(),
});

export const auditRouter = router({
  /** A page of entries, newest first. */
  list: procedureFor("viewer")
    .input(auditFilterSchema.extend(pageFields).optional())
    .query(({ ctx, input }) => {
      const { cursor: _, limit: __, ...filter } = input ?? {};
      return readPage(ctx, "audit", input, (page) => listAudit(ctx.db, { ...filter, ...page }));
    }),
});
