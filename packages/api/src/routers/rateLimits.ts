import {
  listProviderSettings,
  listRateLimits,
  rateLimitTotals,
  recordAudit,
  updateProviderSettings,
} from "@synchub/db";
import { pageInput, readPage } from "../paging.ts";
import { providerSettingsSchema } from "../schemas/index.ts";
import { notFound, procedureFor, router } from "../trpc.ts";

export const rateLimitsRouter = router({
  /** A page of pacing keys (the pools' first), each with its budget and pause as every worker sees it. */
  list: procedureFor("viewer")
    .input(pageInput.optional())
    .query(({ ctx, input }) =>
      readPage(ctx, "rateLimits", input, async (page) => {
        const now = Date.now();
        const { items, next } = await listRateLimits(ctx.db, page);
        return {
          next,
          items: items.map((row) => ({
            ...row,
            // A key that never made a call has next_allowed_at = -infinity, which JSON cannot carry.
            next_allowed_at: Number.isFinite(Number(row.next_allowed_at)) ? row.next_allowed_at : null,
            paused: row.paused_until !== null && row.paused_until.getTime() > now,
            remainingThisHour:
              row.window_started_at.getTime() <= now - 3_600_000
                ? row.hourly_cap
                : row.hourly_cap - row.window_count,
          })),
        };
      }),
    ),

  /** Totals over every key: how many, how many paused now, deferrals and 429s. */
  summary: procedureFor("viewer").query(({ ctx }) => rateLimitTotals(ctx.db)),

  providers: procedureFor("viewer").query(({ ctx }) => listProviderSettings(ctx.db)),

  updateProvider: procedureFor("admin")
    .input(providerSettingsSchema)
    .mutation(async ({ ctx, input }) => {
      const updated = await ctx.db.transaction().execute(async (trx) => {
        const ok = await updateProviderSettings(trx, input.provider, input);
        if (ok) {
          await recordAudit(trx, [
            {
              actor: ctx.user.username,
              action: "provider_settings.update",
              objectType: "provider",
              objectId: input.provider,
              details: input,
            },
          ]);
        }
        return ok;
      });
      if (!updated) throw notFound("provider", input.provider);
      return (await listProviderSettings(ctx.db)).find((row) => row.provider === input.provider)!;
    }),
});
