import { listTenants } from "@synchub/db";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { procedureFor, router } from "../trpc.ts";

export const tenantsRouter = router({
  /** A page of tenants by name; `search` matches part of the name. */
  list: procedureFor("viewer")
    .input(z.object({ search: z.string().trim().max(200).optional(), ...pageFields }).optional())
    .query(({ ctx, input }) =>
      readPage(ctx, "tenants", input, (page) => listTenants(ctx.db, { search: input?.search, ...page })),
    ),
});
