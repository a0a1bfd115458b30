import { setMaxListeners } from "node:events";
import { type CredentialsFor, createCostsClient, ProviderError, type ProviderId } from "@synchub/connectors";
import {
  createSyncBookkeeper,
  type Database,
  fileDeadLetter,
  finishRun,
  pacingLimitsOf,
  pauseRateLimit,
  recordRunNotice,
  recordRunProgress,
  releaseSyncClaims,
  type SyncBookkeeper,
  upsertCostRows,
} from "@synchub/db";
import {
  authFailuresBeforePause,
  deadLetterAutoRetry,
  defaultRetryPolicy,
  errorFingerprint,
  nextSyncDelayMs,
  retryDelayMs,
  SecretKeyError,
  syncJitterMs,
  tierIntervalMs,
} from "@synchub/domain";
import type { JobHelpers } from "graphile-worker";
import { sql } from "kysely";
import { z } from "zod";
import type { TaskContext } from "../context.ts";
import { Deferral } from "../flow/deferral.ts";
import { createPacer } from "../flow/pacing.ts";

export const syncConnectionPayload = z.object({
  connectionId: z.uuid(),
  trigger: z.enum(["schedule", "manual", "sql", "created"]).default("schedule"),
  /** Our own attempt counter: deferrals for budget keep it, failures advance it. */
  attempt: z.number().int().min(1).default(1),
  /** Set when this job replays a dead letter, which closes on success or reopens on failure. */
  deadLetterId: z.coerce.number().int().optional(),
});
export type SyncConnectionPayload = z.infer<typeof syncConnectionPayload>;

const TASK = "sync.connection";
const DAY_MS = 86_400_000;

export interface SyncOutcome {
  status: "succeeded" | "failed" | "retrying" | "deferred" | "skipped";
  runId?: string;
  errorClass?: "transient" | "permanent";
}

type Helpers = Pick<JobHelpers, "job" | "abortSignal" | "logger" | "addJob">;

/**
 * Fetches a connection's costs since its watermark and saves them page by page.
 * Idempotent: cost rows upsert by (connection, day, line item), so a retry or a duplicate run
 * rewrites nothing. Every outcome ends the graphile-worker job; what happens next is ours:
 * no budget or a 429 defers the job (no attempt spent), a transient failure is retried after the
 * policy's delay, a permanent one or a spent policy goes to the dead letters.
 */
export async function syncConnection(
  ctx: TaskContext,
  payload: SyncConnectionPayload,
  helpers: Helpers,
): Promise<SyncOutcome> {
  const { db } = ctx;
  const timeoutMs = ctx.sync.timeoutMs ?? 10 * 60_000;
  const holder = `job:${helpers.job.id}`;
  const bookkeeper = bookkeeperFor(db);
  const started = await bookkeeper.begin({
    connectionId: payload.connectionId,
    holder,
    jobId: String(helpers.job.id),
    attempt: payload.attempt,
    trigger: payload.trigger,
    ttlMs: timeoutMs + 60_000,
  });
  if (started.outcome !== "started") {
    if (started.outcome === "busy") {
      // The connection is syncing elsewhere, or all of this provider's slots are busy: come back
      // about when a slot frees up, without a run row or an attempt.
      await reenqueue(helpers, payload, new Date(Date.now() + busyRetryDelayMs(started.providerIntervalMs)));
      return { status: "deferred" };
    }
    if (started.outcome === "missing") {
      helpers.logger.info(`connection ${payload.connectionId} no longer exists; nothing to sync`);
    }
    return { status: "skipped" };
  }
  const { runId, slot, connection } = started;
  const limits = pacingLimitsOf(connection);

  // One controller for both the worker shutting down and the sync's own time limit. (Cheaper than
  // AbortSignal.any + AbortSignal.timeout per sync, and nothing outlives the sync.)
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new Error("Sync timed out"));
  }, timeoutMs);
  const onShutdown = () => abort.abort(helpers.abortSignal.reason);
  if (helpers.abortSignal.aborted) onShutdown();
  else {
    // Every running sync of the process listens on this one signal: more than 10 is normal.
    setMaxListeners(0, helpers.abortSignal);
    helpers.abortSignal.addEventListener("abort", onShutdown, { once: true });
  }
  const signal = abort.signal;
  const startedAt = Date.now();
  let settled = false;
  try {
    // createCostsClient validates the shape and fails permanently naming a missing field.
    const credentials = JSON.parse(
      ctx.secrets.open(connection.credentials_encrypted, connection.id),
    ) as CredentialsFor<ProviderId>;
    const client = createCostsClient(connection.provider as ProviderId, credentials, {
      baseUrl: connection.base_url ?? undefined,
      retry: ctx.sync.httpRetry,
      timeoutMs: ctx.sync.httpTimeoutMs,
      beforeRequest: createPacer(db, limits, {
        maxInlineWaitMs: ctx.sync.maxInlineWaitMs ?? 5_000,
        maxConcurrency: connection.provider_max_concurrency ?? 4,
      }),
    });
    const startDay = watermarkDay(connection.last_synced_at, ctx.sync.backfillDays ?? 30, startedAt);
    // What the provider could not be asked for (e.g. bill months it no longer serves) goes on the run.
    const notices: string[] = [];
    const onNotice = (notice: string) => notices.push(notice);
    for await (const page of client.pages({ startDay, signal, onNotice })) {
      await db.transaction().execute(async (trx) => {
        const written = await upsertCostRows(trx, connection.id, page);
        await recordRunProgress(trx, runId, { fetched: page.length, ...written });
      });
    }
    if (notices.length > 0) await recordRunNotice(db, runId, notices.join("\n"));
    await bookkeeper.complete({
      runId,
      connectionId: connection.id,
      holder,
      provider: connection.provider,
      slot,
      startedAt: new Date(startedAt),
      nextSyncAt: new Date(
        Date.now() + tierIntervalMs[connection.tier] + syncJitterMs(tierIntervalMs[connection.tier]),
      ),
      deadLetterId: payload.deadLetterId ?? null,
    });
    settled = true;
    helpers.logger.info("sync succeeded", { runId, connectionId: connection.id });
    return { status: "succeeded", runId };
  } catch (error) {
    const deferral = helpers.abortSignal.aborted
      ? {
          until: new Date(),
          reason: "Worker shutting down; the sync resumes on the next worker",
          pauseKeys: [],
        }
      : asDeferral(error, limits);
    if (deferral) {
      await db.transaction().execute(async (trx) => {
        for (const key of deferral.pauseKeys) await pauseRateLimit(trx, key, deferral.until, deferral.reason);
        await finishRun(trx, runId, { status: "deferred", until: deferral.until, reason: deferral.reason });
        await trx
          .updateTable("connections")
          .set({ sync_status: connection.sync_status === "running" ? "pending" : connection.sync_status })
          .where("id", "=", connection.id)
          .execute();
        await releaseSyncClaims(trx, { connectionId: connection.id, holder });
      });
      settled = true;
      await reenqueue(helpers, payload, deferral.until);
      helpers.logger.info(`sync deferred until ${deferral.until.toISOString()}: ${deferral.reason}`, {
        runId,
        connectionId: connection.id,
      });
      return { status: "deferred", runId };
    }

    const failure = classify(error, timedOut);
    const retryInMs =
      failure.errorClass === "transient" ? retryDelayMs(defaultRetryPolicy, payload.attempt) : null;
    const failures = connection.consecutive_failures + 1;
    const authFailures = failure.auth ? connection.auth_failures + 1 : 0;
    const pauseForAuth = authFailures >= authFailuresBeforePause;
    await db.transaction().execute(async (trx) => {
      await finishRun(trx, runId, {
        status: "failed",
        error: failure.message,
        errorClass: failure.errorClass,
      });
      await trx
        .updateTable("connections")
        .set({
          sync_status: "failed",
          sync_error: failure.message,
          sync_error_class: failure.errorClass,
          consecutive_failures: failures,
          auth_failures: authFailures,
          ...(pauseForAuth
            ? {
                status: "paused" as const,
                paused_reason: `Paused after ${authFailures} authentication failures in a row: ${failure.message}`,
              }
            : {}),
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
      if (retryInMs === null) {
        await fileDeadLetter(trx, {
          task: TASK,
          payload: { connectionId: connection.id, trigger: payload.trigger },
          jobKey: `sync:${connection.id}`,
          queueName: null,
          connectionId: connection.id,
          errorClass: failure.errorClass,
          error: failure.message,
          fingerprint: errorFingerprint(TASK, failure.errorClass, failure.message),
          attempts: payload.attempt,
          deadLetterId: payload.deadLetterId,
          nextAutoRetryAt:
            failure.errorClass === "transient" ? new Date(Date.now() + deadLetterAutoRetry.delayMs) : null,
        });
      }
      await releaseSyncClaims(trx, { connectionId: connection.id, holder });
    });
    settled = true;

    if (retryInMs !== null) {
      await reenqueue(
        helpers,
        { ...payload, attempt: payload.attempt + 1 },
        new Date(Date.now() + retryInMs),
      );
      helpers.logger.warn(
        `sync failed (transient, attempt ${payload.attempt}); retrying in ${retryInMs / 1000} s: ${failure.message}`,
        { runId, connectionId: connection.id },
      );
      return { status: "retrying", runId, errorClass: "transient" };
    }
    helpers.logger.error(`sync failed for good (${failure.errorClass}), dead-lettered: ${failure.message}`, {
      runId,
      connectionId: connection.id,
    });
    return { status: "failed", runId, errorClass: failure.errorClass };
  } finally {
    clearTimeout(timer);
    helpers.abortSignal.removeEventListener("abort", onShutdown);
    // Only when the bookkeeping itself failed: the claims must not wait for their expiry.
    if (!settled) await releaseSyncClaims(db, { connectionId: connection.id, holder }).catch(() => {});
  }
}

/** One bookkeeper per database pool, so all the syncs a process runs share its group commits. */
const bookkeepers = new WeakMap<Database, SyncBookkeeper>();
function bookkeeperFor(db: Database): SyncBookkeeper {
  let bookkeeper = bookkeepers.get(db);
  if (!bookkeeper) {
    bookkeeper = createSyncBookkeeper(db);
    bookkeepers.set(db, bookkeeper);
  }
  return bookkeeper;
}

/**
 * A busy provider frees a slot about every pacing interval; retry around then (half to one and a
 * half times), within a quarter second and five seconds, so waiting jobs neither spin nor idle.
 */
function busyRetryDelayMs(providerIntervalMs: number | null): number {
  const base = Math.min(Math.max(providerIntervalMs ?? 1_000, 250), 5_000);
  return base * (0.5 + Math.random());
}

/** Puts the sync back in the queue under its key: the running job's key is released by graphile-worker. */
async function reenqueue(helpers: Helpers, payload: SyncConnectionPayload, runAt: Date): Promise<void> {
  await helpers.addJob(TASK, payload, {
    jobKey: `sync:${payload.connectionId}`,
    jobKeyMode: "preserve_run_at",
    priority: helpers.job.priority,
    runAt,
  });
}

/**
 * The first day to fetch: the day before the last successful sync (providers revise recent days),
 * or `backfillDays` back for a connection that never synced.
 */
export function watermarkDay(lastSyncedAt: Date | null, backfillDays: number, now: number): string {
  const from = lastSyncedAt ? lastSyncedAt.getTime() - DAY_MS : now - backfillDays * DAY_MS;
  return new Date(from).toISOString().slice(0, 10);
}

/** A pacing deferral, or a provider's 429 with a Retry-After, which pauses this provider's keys. */
function asDeferral(
  error: unknown,
  limits: { key: string }[],
): { until: Date; reason: string; pauseKeys: string[] } | null {
  if (error instanceof Deferral) return { until: error.until, reason: error.message, pauseKeys: [] };
  if (error instanceof ProviderError && error.status === 429 && error.retryAfterMs !== undefined) {
    return {
      until: new Date(Date.now() + error.retryAfterMs),
      reason: `Provider throttled (429): ${error.message}`,
      pauseKeys: limits.map((limit) => limit.key),
    };
  }
  return null;
}

function classify(
  error: unknown,
  timedOut: boolean,
): { errorClass: "transient" | "permanent"; message: string; auth: boolean } {
  if (timedOut) return { errorClass: "transient", message: "Sync timed out and was aborted", auth: false };
  if (error instanceof ProviderError) {
    return {
      errorClass: error.kind,
      message: error.message,
      auth: error.status === 401 || error.status === 403,
    };
  }
  if (error instanceof SecretKeyError)
    return { errorClass: "permanent", message: error.message, auth: false };
  if (error instanceof SyntaxError) {
    return { errorClass: "permanent", message: "Stored credentials are not valid JSON", auth: false };
  }
  // Unknown errors (database hiccups, bugs) are retried: a retry is harmless because saving is idempotent.
  return {
    errorClass: "transient",
    message: error instanceof Error ? error.message : String(error),
    auth: false,
  };
}
