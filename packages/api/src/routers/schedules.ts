import {
  findSchedule,
  listScheduleOccurrences,
  listSchedules,
  runScheduleNow,
  setScheduleEnabled,
  updateSchedule,
} from "@synchub/db";
import { nextOccurrences, schedulePreviewSchema, scheduleUpdateSchema } from "@synchub/domain";
import { z } from "zod";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

const idInput = z.object({ id: z.uuid() });

/** Runs shown with a schedule and in the edit form's preview. */
const previewCount = 5;

export const schedulesRouter = router({
  list: procedureFor("viewer").query(({ ctx }) => listSchedules(ctx.db)),

  /** One schedule with its next runs and the latest 50 ledger rows. */
  byId: procedureFor("viewer")
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const schedule = await findSchedule(ctx.db, input.id);
      if (!schedule) throw notFound("schedule", input.id);
      const ledger = await listScheduleOccurrences(ctx.db, input.id, 50);
      const nextRuns = nextOccurrences(schedule.cron, schedule.time_zone, new Date(), previewCount);
      return { ...schedule, nextRuns, ledger };
    }),

  /** Next runs of a cron/zone pair; an invalid one is BAD_REQUEST with issues on cron / timeZone. */
  preview: procedureFor("viewer")
    .input(schedulePreviewSchema)
    .query(({ input }) => ({
      nextRuns: nextOccurrences(input.cron, input.timeZone, new Date(), input.count ?? previewCount),
    })),

  update: procedureFor("admin")
    .input(scheduleUpdateSchema.extend({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
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
