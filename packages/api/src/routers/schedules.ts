import {
  findSchedule,
  listScheduleLedger,
  listSchedules,
  runScheduleNow,
  setScheduleEnabled,
  updateSchedule,
} from "@synchub/db";
import { cronProblem, nextOccurrences } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { InputRuleError } from "../inputRules.ts";
import { schedulePreviewSchema, scheduleUpdateSchema } from "../schemas/index.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

const idInput = z.object({ id: z.uuid({ error: "Schedule ids are UUIDs" }) });

/**
 * The schemas' cron check runs in browsers without cron-parser; the engine's own is the last word
 * before an expression is saved or previewed (a test holds the two to the same verdicts).
 */
function checkCronWithEngine(cron: string): void {
  const problem = cronProblem(cron);
  if (problem) {
    const cause = new InputRuleError([{ path: ["cron"], message: problem }]);
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
}

/** Runs shown with a schedule and in the edit form's preview. */
const previewCount = 5;

export const schedulesRouter = router({
  list: procedureFor("viewer").query(({ ctx }) => listSchedules(ctx.db)),

  /**
   * One schedule with its next runs and the latest 50 ledger rows, each with the run it started
   * (`run: { id, status, durationMs, error } | null`).
   */
  byId: procedureFor("viewer")
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const schedule = await findSchedule(ctx.db, input.id);
      if (!schedule) throw notFound("schedule", input.id);
      const ledger = await listScheduleLedger(ctx.db, input.id, 50);
      const nextRuns = nextOccurrences(schedule.cron, schedule.time_zone, new Date(), previewCount);
      return { ...schedule, nextRuns, ledger };
    }),

  /** Next runs of a cron/zone pair; an invalid one is BAD_REQUEST with issues on cron / timeZone. */
  preview: procedureFor("viewer")
    .input(schedulePreviewSchema)
    .query(({ input }) => {
      checkCronWithEngine(input.cron);
      return {
        nextRuns: nextOccurrences(input.cron, input.timeZone, new Date(), input.count ?? previewCount),
      };
    }),

  update: procedureFor("admin")
    .input(scheduleUpdateSchema)
    .mutation(async ({ ctx, input }) => {
      checkCronWithEngine(input.cron);
      const { id, ...changes } = input;
      const updated = await withAudit(
        ctx,
        { action: "schedule.update", objectType: "schedule", objectId: id, details: changes },
        (trx) => updateSchedule(trx, id, changes),
      );
      if (!updated) throw notFound("schedule", id);
      return (await findSchedule(ctx.db, id))!;
    }),

  pause: procedureFor("operator")
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      const paused = await withAudit(
        ctx,
        { action: "schedule.pause", objectType: "schedule", objectId: input.id },
        (trx) => setScheduleEnabled(trx, input.id, false),
      );
      if (!paused) throw notFound("schedule", input.id);
      return (await findSchedule(ctx.db, input.id))!;
    }),

  resume: procedureFor("operator")
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      const resumed = await withAudit(
        ctx,
        { action: "schedule.resume", objectType: "schedule", objectId: input.id },
        (trx) => setScheduleEnabled(trx, input.id, true),
      );
      if (!resumed) throw notFound("schedule", input.id);
      return (await findSchedule(ctx.db, input.id))!;
    }),

  /** A `manual` ledger row and its job; a second press within the same second enqueues nothing more. */
  runNow: procedureFor("operator")
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      const run = await withAudit(
        ctx,
        { action: "schedule.run_now", objectType: "schedule", objectId: input.id },
        (trx) => runScheduleNow(trx, input.id),
      );
      if (!run) throw notFound("schedule", input.id);
      return { ...run, enqueued: run.jobId !== null };
    }),
});
