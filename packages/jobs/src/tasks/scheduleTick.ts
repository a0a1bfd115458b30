import {
  advanceSchedule,
  claimOccurrences,
  lockDueSchedules,
  type OccurrenceClaim,
  pruneScheduleOccurrences,
} from "@synchub/db";
import { dueOccurrences, type MissedPolicy } from "@synchub/domain";
import { sql } from "kysely";
import type { TaskContext } from "../context.ts";

export interface ScheduleTickResult {
  /** Schedules whose due occurrences this tick handled. */
  schedules: number;
  enqueued: number;
  skipped: number;
  /** Schedules that could not be evaluated (e.g. a cron expression edited by hand in SQL). */
  errors: { name: string; message: string }[];
}

export interface ScheduleTickOptions {
  /** The tick's notion of now; tests pin it. (Default: the database's now()) */
  now?: Date;
}

/**
 * `schedules.tick`, the only crontab entry: for every enabled schedule whose cursor has been
 * reached, works out the due occurrences (domain rules: missed-run policy, DST), claims them in
 * the ledger and enqueues their jobs, then advances the cursor, all in one transaction. Rows are
 * read on every tick, so an edit in the admin takes effect on the next one without a restart.
 * Any number of ticks may run at once: due rows are locked with `skip locked`, and the ledger's
 * primary key lets each occurrence be inserted, and so enqueued, only once.
 */
export async function runScheduleTick(
  ctx: Pick<TaskContext, "db">,
  options: ScheduleTickOptions = {},
): Promise<ScheduleTickResult> {
  const result: ScheduleTickResult = { schedules: 0, enqueued: 0, skipped: 0, errors: [] };
  await ctx.db.transaction().execute(async (trx) => {
    const now = options.now ?? (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    for (const schedule of await lockDueSchedules(trx, now)) {
      let plan: ReturnType<typeof dueOccurrences>;
      try {
        plan = dueOccurrences({
          cron: schedule.cron,
          timeZone: schedule.time_zone,
          nextOccurrenceAt: schedule.next_occurrence_at,
          now,
          policy: schedule.missed_policy as MissedPolicy,
          cap: schedule.catch_up_cap,
        });
      } catch (error) {
        result.errors.push({
          name: schedule.name,
          message: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      const claims: OccurrenceClaim[] = [
        ...plan.skipped.map((at) => ({ at, source: "schedule" as const, status: "skipped" as const })),
        ...plan.run.map((run) => ({ at: run.at, source: run.source, status: "enqueued" as const })),
      ];
      const claimed = await claimOccurrences(trx, schedule, claims);
      await advanceSchedule(trx, schedule.id, {
        lastOccurrenceAt: plan.lastOccurrenceAt,
        nextOccurrenceAt: plan.nextOccurrenceAt,
      });
      result.schedules += 1;
      for (const row of claimed) {
        if (row.status === "enqueued") result.enqueued += 1;
        else result.skipped += 1;
      }
    }
  });
  return result;
}

/** Ledger retention, run by the tick at most once an hour (minute 0). */
export async function pruneLedgerIfDue(ctx: Pick<TaskContext, "db">, now = new Date()): Promise<number> {
  return now.getUTCMinutes() === 0 ? pruneScheduleOccurrences(ctx.db) : 0;
}
