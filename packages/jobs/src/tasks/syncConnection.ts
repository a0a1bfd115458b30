import { type CredentialsFor, createCostsClient, ProviderError, type ProviderId } from "@synchub/connectors";
import { findConnectionForSync, finishRun, recordRunProgress, startRun, upsertCostRows } from "@synchub/db";
import { nextSyncDelayMs, SecretKeyError, tierIntervalMs } from "@synchub/domain";
import type { JobHelpers } from "graphile-worker";
import { sql } from "kysely";
import { z } from "zod";
import type { TaskContext } from "../context.ts";

export const syncConnectionPayload = z.object({
  connectionId: z.uuid(),
  trigger: z.enum(["schedule", "manual", "sql", "created"]).default("schedule"),
});
export type SyncConnectionPayload = z.infer<typeof syncConnectionPayload>;

const DAY_MS = 86_400_000;

export interface SyncOutcome {
  status: "succeeded" | "failed" | "skipped";
  runId?: string;
  errorClass?: "transient" | "permanent";
}

/**
 * Fetches a connection's costs since its watermark and saves them page by page.
 * Idempotent: cost rows upsert by (connection, day, line item), so a retry or a duplicate run
 * rewrites nothing. A transient failure is rethrown for graphile-worker to retry (each attempt is
 * its own run row); a permanent one (bad credentials, bad request) is recorded and not retried.
 */
export async function syncConnection(
  ctx: TaskContext,
  payload: SyncConnectionPayload,
  helpers: Pick<JobHelpers, "job" | "abortSignal" | "logger">,
): Promise<SyncOutcome> {
  const { db } = ctx;
  const connection = await findConnectionForSync(db, payload.connectionId);
  if (!connection) {
    helpers.logger.info(`connection ${payload.connectionId} no longer exists; nothing to sync`);
    return { status: "skipped" };
  }
  if (connection.status === "paused") return { status: "skipped" };

  const runId = await startRun(db, {
    connectionId: connection.id,
    trigger: payload.trigger,
    jobId: String(helpers.job.id),
    attempt: helpers.job.attempts,
  });
  await db
    .updateTable("connections")
    .set({ sync_status: "running", updated_at: sql`now()` })
    .where("id", "=", connection.id)
    .execute();

  const timeout = AbortSignal.timeout(ctx.sync.timeoutMs ?? 10 * 60_000);
  const signal = AbortSignal.any([helpers.abortSignal, timeout]);
  const startedAt = Date.now();
  try {
    // createCostsClient validates the shape and fails permanently naming a missing field.
    const credentials = JSON.parse(
      ctx.secrets.open(connection.credentials_encrypted),
    ) as CredentialsFor<ProviderId>;
    const client = createCostsClient(connection.provider as ProviderId, credentials, {
      baseUrl: connection.base_url ?? undefined,
      retry: ctx.sync.httpRetry,
      timeoutMs: ctx.sync.httpTimeoutMs,
    });
    const startDay = watermarkDay(connection.last_synced_at, ctx.sync.backfillDays ?? 30, startedAt);
    for await (const page of client.pages({ startDay, signal })) {
      await db.transaction().execute(async (trx) => {
        const written = await upsertCostRows(trx, connection.id, page);
        await recordRunProgress(trx, runId, { fetched: page.length, ...written });
      });
    }
    await finishRun(db, runId, { status: "succeeded" });
    await db
      .updateTable("connections")
      .set({
        sync_status: "ok",
        sync_error: null,
        consecutive_failures: 0,
        last_synced_at: new Date(startedAt),
        next_sync_at: new Date(Date.now() + tierIntervalMs[connection.tier]),
        updated_at: sql`now()`,
      })
      .where("id", "=", connection.id)
      .execute();
    return { status: "succeeded", runId };
  } catch (error) {
    const failure = classify(error, timeout.aborted);
    const failures = connection.consecutive_failures + 1;
    await finishRun(db, runId, { status: "failed", error: failure.message, errorClass: failure.errorClass });
    await db
      .updateTable("connections")
      .set({
        sync_status: "failed",
        sync_error: failure.message,
        consecutive_failures: failures,
        // A rejected key or request will not fix itself in a minute: wait the full interval.
        next_sync_at: new Date(
          Date.now() +
            (failure.errorClass === "permanent"
              ? tierIntervalMs[connection.tier]
              : nextSyncDelayMs({
                  intervalMs: tierIntervalMs[connection.tier],
                  consecutiveFailures: failures,
                })),
        ),
        updated_at: sql`now()`,
      })
      .where("id", "=", connection.id)
      .execute();
    helpers.logger.error(`sync of ${connection.id} failed (${failure.errorClass}): ${failure.message}`);
    if (failure.errorClass === "transient") throw new Error(failure.message, { cause: error });
    return { status: "failed", runId, errorClass: failure.errorClass };
  }
}

/**
 * The first day to fetch: the day before the last successful sync (providers revise recent days),
 * or `backfillDays` back for a connection that never synced.
 */
export function watermarkDay(lastSyncedAt: Date | null, backfillDays: number, now: number): string {
  const from = lastSyncedAt ? lastSyncedAt.getTime() - DAY_MS : now - backfillDays * DAY_MS;
  return new Date(from).toISOString().slice(0, 10);
}

function classify(
  error: unknown,
  timedOut: boolean,
): { errorClass: "transient" | "permanent"; message: string } {
  if (timedOut) return { errorClass: "transient", message: "Sync timed out and was aborted" };
  if (error instanceof ProviderError) return { errorClass: error.kind, message: error.message };
  if (error instanceof SecretKeyError) return { errorClass: "permanent", message: error.message };
  if (error instanceof SyntaxError) {
    return { errorClass: "permanent", message: "Stored credentials are not valid JSON" };
  }
  // Unknown errors (database hiccups, bugs) are retried: a retry is harmless because saving is idempotent.
  return { errorClass: "transient", message: error instanceof Error ? error.message : String(error) };
}
