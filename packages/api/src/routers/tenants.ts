import { listTenants } from "@synchub/db";
import { procedureFor, router } from "../trpc.ts";

export const tenantsRouter = router({
  list: procedureFor("viewer").query(({ ctx }) => listTenants(ctx.db)),
});
