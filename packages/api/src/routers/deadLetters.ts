import {
  countOpenDeadLetters,
  deadLetterGroups,
  discardDeadLetters,
  findDeadLetter,
  listDeadLetters,
  replayDeadLetters,
} from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { pageFields, pageInput, readPage } from "../paging.ts";
import {
  bigintId,
  type deadLetterSelectionSchema,
  deadLetterStatuses,
  discardDeadLettersSchema,
  oneOf,
  replayDeadLettersSchema,
} from "../schemas/index.ts";
import { notFound, procedureFor, router } from "../trpc.ts";

export const deadLettersRouter = router({
  /** A page of open dead letters' groups, largest first. */
  groups: procedureFor("viewer")
    .input(pageInput.optional())
    .query(({ ctx, input }) =>
      readPage(ctx, "deadLetterGroups", input, (page) => deadLetterGroups(ctx.db, page)),
    ),

  /** How many dead letters are open, in how many groups. */
  summary: procedureFor("viewer").query(({ ctx }) => countOpenDeadLetters(ctx.db)),

  /**
   * A page of dead letters, the latest failure first: by status, or a whole group's. Each says
   * whether its failure is `permanent` (a replay fails again until the cause is fixed) and names
   * its target (`target_id`, `target_name`, `target_kind`, `target_status`).
   */
  list: procedureFor("viewer")
    .input(
      z
        .object({
          status: oneOf(deadLetterStatuses).optional(),
          fingerprint: z.string().max(100).optional(),
          ...pageFields,
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      readPage(ctx, "deadLetters", input, (page) =>
        listDeadLetters(ctx.db, { status: input?.status, fingerprint: input?.fingerprint, ...page }),
      ),
    ),

  /** One dead letter, with `permanent` and its target as in `list`. */
  byId: procedureFor("viewer")
    .input(z.object({ id: bigintId("Dead letter") }))
    .query(async ({ ctx, input }) => {
      const row = await findDeadLetter(ctx.db, input.id);
      if (!row) throw notFound("dead letter", input.id);
      return row;
    }),

  replay: procedureFor("operator")
    .input(replayDeadLettersSchema)
    .mutation(async ({ ctx, input }) => {
      const replayed = await replayDeadLetters(ctx.db, input, ctx.user.username);
      if (replayed.length === 0) throw nothingOpen(input);
      return { replayed };
    }),

  discard: procedureFor("operator")
    .input(discardDeadLettersSchema)
    .mutation(async ({ ctx, input }) => {
      const { reason, ...selection } = input;
      const discarded = await discardDeadLetters(
        ctx.db,
        selection as z.infer<typeof deadLetterSelectionSchema>,
        ctx.user.username,
        reason,
      );
      if (discarded.length === 0) throw nothingOpen(selection);
      return { discarded };
    }),
});

function nothingOpen(selection: object): TRPCError {
  return new TRPCError({
    code: "NOT_FOUND",
    message:
      "ids" in selection
        ? "None of those dead letters is open (unknown ids, or already replayed or discarded)"
        : "No open dead letters with that fingerprint",
  });
}
