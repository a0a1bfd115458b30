import { JOB_STATES, jobCounts, listJobs, removeJobs, rescheduleJobs } from "@synchub/db";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { procedureFor, router, withAudit } from "../trpc.ts";
import { bigintId } from "./ids.ts";

/** Up to 100 graphile-worker job ids. */
const jobIds = z.array(bigintId("Job")).min(1, "Pick at least one job").max(100, "At most 100 jobs at once");

/** What a change answers: how many jobs changed, how many were left alone, in a sentence. */
function answer(verb: string, change: { changed: number; skipped: number }) {
  const jobs = (n: number) => `${n} job${n === 1 ? "" : "s"}`;
  const skipped =
    change.skipped > 0
      ? `; ${jobs(change.skipped)} skipped (running now, locked by a worker, or no longer in the queue)`
      : "";
  return { ...change, message: `${jobs(change.changed)} ${verb}${skipped}` };
}

/** Lists one id, or several comma-separated, in the audit entry's object id. */
function auditEntry(action: string, ids: string[], details: Record<string, unknown>) {
  return { action, objectType: "job", objectId: ids.join(","), details: { ids, ...details } };
}

export const jobsRouter = router({
  /** Per task, how many queued graphile-worker jobs wait, are delayed, locked (running) or failed. */
  summary: procedureFor("viewer").query(({ ctx }) => jobCounts(ctx.db)),

  /** A page of the queue, the next to run first. */
  list: procedureFor("viewer")
    .input(
      z
        .object({
          task: z.string().trim().min(1).max(200).optional(),
          state: z.enum(JOB_STATES).optional(),
          ...pageFields,
        })
        .optional(),
    )
    .query(({ ctx, input }) =>
      readPage(ctx, "jobs", input, (page) =>
        listJobs(ctx.db, { task: input?.task, state: input?.state, ...page }),
      ),
    ),

  /** Runs the jobs now; a failed one (out of attempts) gets its attempts back. Locked jobs are skipped. */
  runNow: procedureFor("operator")
    .input(z.object({ ids: jobIds }))
    .mutation(async ({ ctx, input }) => {
      const change = await withAudit(ctx, auditEntry("job.run_now", input.ids, {}), (trx) =>
        rescheduleJobs(trx, input.ids, null),
      );
      return answer("set to run now", change);
    }),

  /** Moves the jobs to `runAt`; a failed one gets its attempts back. Locked jobs are skipped. */
  reschedule: procedureFor("operator")
    .input(z.object({ ids: jobIds, runAt: z.coerce.date() }))
    .mutation(async ({ ctx, input }) => {
      const change = await withAudit(
        ctx,
        auditEntry("job.reschedule", input.ids, { runAt: input.runAt.toISOString() }),
        (trx) => rescheduleJobs(trx, input.ids, input.runAt),
      );
      return answer(`rescheduled to ${input.runAt.toISOString()}`, change);
    }),

  /** Deletes the jobs from the queue. Locked jobs are skipped. */
  remove: procedureFor("operator")
    .input(z.object({ ids: jobIds }))
    .mutation(async ({ ctx, input }) => {
      const change = await withAudit(ctx, auditEntry("job.remove", input.ids, {}), (trx) =>
        removeJobs(trx, input.ids),
      );
      return answer("removed", change);
    }),
});
