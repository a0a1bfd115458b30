import { findTenant, listTenants, setTenantTier } from "@synchub/db";
import { tierIntervalMs } from "@synchub/domain";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { setTenantTierSchema } from "../schemas/index.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

export const tenantsRouter = router({
  /** A page of tenants by name; `search` matches part of the name. */
  list: procedureFor("viewer")
    .input(
      z
        .object({
          search: z.string().trim().max(200, "Use at most 200 characters").optional(),
          ...pageFields,
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      readPage(ctx, "tenants", input, (page) => listTenants(ctx.db, { search: input?.search, ...page })),
    ),

  /**
   * Sets a tenant's tier, and with it every one of its connections' interval and priority.
   * Audited. Answers the tenant with its new interval (`interval_ms`).
   */
  setTier: procedureFor("operator")
    .input(setTenantTierSchema)
    .mutation(async ({ ctx, input }) => {
      const before = await findTenant(ctx.db, input.id);
      if (!before) throw notFound("tenant", input.id);
      const changed = await withAudit(
        ctx,
        {
          action: "tenant.set_tier",
          objectType: "tenant",
          objectId: input.id,
          details: { from: before.tier, to: input.tier },
        },
        (trx) => setTenantTier(trx, input.id, input.tier),
      );
      if (!changed) throw notFound("tenant", input.id);
      const tenant = (await findTenant(ctx.db, input.id))!;
      return { ...tenant, interval_ms: tierIntervalMs[input.tier] };
    }),
});
