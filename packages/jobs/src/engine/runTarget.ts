/**
 * The one sync loop, for every kind: claim the target and a pool slot, open a run, load, run the
 * kind's pages through its writer under a timeout and the worker's abort signal, then close the
 * run as succeeded, deferred (budget or a 429: no attempt spent), retried by policy (transient)
 * or dead-lettered (permanent or spent), pause after repeated authentication failures, and set
 * the next sync time from the kind's interval. The kind never sees any of this.
 */
import { setMaxListeners } from "node:events";
import { ProviderError } from "@synchub/connectors";
import {
  beginSync,
  type ClaimedTarget,
  completeSync,
  fileDeadLetter,
  finishRun,
  linkRunToDeadLetter,
  pacingLimitsOf,
  pauseRateLimit,
  recordRunNotice,
  recordRunProgress,
  releaseSyncClaims,
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
} from "@synchub/domain";
import type { JobHelpers } from "graphile-worker";
import { sql } from "kysely";
import { z } from "zod";
import type { TaskContext } from "../context.ts";
import { Deferral } from "./deferral.ts";
import { withHttpCallLog } from "./httpCalls.ts";
import { type ErrorClassification, kindById, type SyncKind, type TargetState } from "./kinds.ts";
import { createPacer } from "./pacing.ts";

export const syncTargetPayload = z.preprocess(
  // Jobs enqueued before targets existed name the connection, whose target has the same id.
  (raw) =>
    raw && typeof raw === "object" && "connectionId" in raw && !("targetId" in raw)
      ? { ...raw, targetId: (raw as { connectionId: unknown }).connectionId }
      : raw,
  z.object({
    targetId: z.uuid(),
    trigger: z.enum(["schedule", "manual", "sql", "created", "webhook", "replay"]).default("schedule"),
    /** Our own attempt counter: deferrals for budget keep it, failures advance it. */
    attempt: z.number().int().min(1).default(1),
    /** Set when this job replays a dead letter, which closes on success or reopens on failure. */
    deadLetterId: z.coerce.number().int().optional(),
  }),
);
export type SyncTargetPayload = z.infer<typeof syncTargetPayload>;

/** The graphile-worker task every sync of every kind runs as. */
export const SYNC_TASK = "sync.target";

export interface SyncOutcome {
  status: "succeeded" | "failed" | "retrying" | "deferred" | "skipped";
  runId?: string;
  errorClass?: "transient" | "permanent";
}

type Helpers = Pick<JobHelpers, "job" | "abortSignal" | "logger" | "addJob">;

export async function runTarget(
  ctx: TaskContext,
  payload: SyncTargetPayload,
  helpers: Helpers,
): Promise<SyncOutcome> {
  const { db } = ctx;
  const timeoutMs = ctx.sync.timeoutMs ?? 10 * 60_000;
  const holder = `job:${helpers.job.id}`;
  const started = await beginSync(db, {
    targetId: payload.targetId,
    holder,
    jobId: String(helpers.job.id),
    task: SYNC_TASK,
    attempt: payload.attempt,
    trigger: payload.trigger,
    ttlMs: timeoutMs + 60_000,
  });
  if (started.outcome !== "started") {
    if (started.outcome === "busy") {
      // The target is syncing elsewhere, or all of its pool's slots are busy: come back about
      // when a slot frees up, without a run row or an attempt.
      await reenqueue(helpers, payload, new Date(Date.now() + busyRetryDelayMs(started.poolIntervalMs)));
      return { status: "deferred" };
    }
    if (started.outcome === "missing") {
      helpers.logger.info(`target ${payload.targetId} no longer exists; nothing to sync`);
    }
    return { status: "skipped" };
  }
  const { runId, slot, target: row } = started;
  if (payload.deadLetterId !== undefined) await linkRunToDeadLetter(db, runId, payload.deadLetterId);
  const target = targetOf(row);
  const kind = kindById(target.kind);
  const limits = pacingLimitsOf(row);

  // One controller for both the worker shutting down and the sync's own time limit.
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
  const startedAt = Date.now();
  let settled = false;
  try {
    const notices: string[] = [];
    // Every HTTP attempt of the load and the pages, saved with the run when they end.
    await withHttpCallLog(db, runId, async () => {
      const loaded = await kind.load(ctx, target, {
        startedAt,
        beforeRequest: createPacer(db, limits, {
          maxInlineWaitMs: ctx.sync.maxInlineWaitMs ?? 5_000,
          maxConcurrency: row.pool_max_concurrency,
        }),
      });
      await kind.run(loaded, {
        signal: abort.signal,
        notice: (message) => notices.push(message),
        write: (page) =>
          db.transaction().execute(async (trx) => {
            const written = await kind.write(trx, loaded, page);
            await recordRunProgress(trx, runId, { fetched: page.length, ...written });
          }),
      });
    });
    if (notices.length > 0) await recordRunNotice(db, runId, notices.join("\n"));
    const intervalMs = kind.intervalMs?.(target) ?? target.intervalMs;
    await completeSync(db, {
      runId,
      targetId: target.id,
      holder,
      pool: target.pool,
      slot,
      startedAt: new Date(startedAt),
      nextSyncAt: new Date(Date.now() + intervalMs + syncJitterMs(intervalMs)),
      deadLetterId: payload.deadLetterId ?? null,
    });
    settled = true;
    helpers.logger.info("sync succeeded", { runId, targetId: target.id, kind: kind.id });
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
          .updateTable("sync_targets")
          .set({ sync_status: row.previous_sync_status === "running" ? "pending" : row.previous_sync_status })
          .where("id", "=", target.id)
          .execute();
        await releaseSyncClaims(trx, { targetId: target.id, holder });
      });
      settled = true;
      await reenqueue(helpers, payload, deferral.until);
      helpers.logger.info(`sync deferred until ${deferral.until.toISOString()}: ${deferral.reason}`, {
        runId,
        targetId: target.id,
      });
      return { status: "deferred", runId };
    }

    const failure = classify(kind, error, timedOut);
    const retryInMs =
      failure.errorClass === "transient" ? retryDelayMs(defaultRetryPolicy, payload.attempt) : null;
    const failures = target.consecutiveFailures + 1;
    const authFailures = failure.auth ? row.auth_failures + 1 : 0;
    const pauseForAuth = authFailures >= authFailuresBeforePause;
    const intervalMs = kind.intervalMs?.(target) ?? target.intervalMs;
    await db.transaction().execute(async (trx) => {
      await finishRun(trx, runId, {
        status: "failed",
        error: failure.message,
        errorClass: failure.errorClass,
      });
      await trx
        .updateTable("sync_targets")
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
                ? intervalMs
                : nextSyncDelayMs({ intervalMs, consecutiveFailures: failures })),
          ),
          updated_at: sql`now()`,
        })
        .where("id", "=", target.id)
        .execute();
      if (retryInMs === null) {
        await fileDeadLetter(trx, {
          task: SYNC_TASK,
          payload: { targetId: target.id, trigger: payload.trigger },
          jobKey: `sync:${target.id}`,
          queueName: null,
          targetId: target.id,
          errorClass: failure.errorClass,
          error: failure.message,
          fingerprint: errorFingerprint(SYNC_TASK, failure.errorClass, failure.message),
          attempts: payload.attempt,
          deadLetterId: payload.deadLetterId,
          nextAutoRetryAt:
            failure.errorClass === "transient" ? new Date(Date.now() + deadLetterAutoRetry.delayMs) : null,
        });
      }
      await releaseSyncClaims(trx, { targetId: target.id, holder });
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
        { runId, targetId: target.id },
      );
      return { status: "retrying", runId, errorClass: "transient" };
    }
    helpers.logger.error(`sync failed for good (${failure.errorClass}), dead-lettered: ${failure.message}`, {
      runId,
      targetId: target.id,
    });
    return { status: "failed", runId, errorClass: failure.errorClass };
  } finally {
    clearTimeout(timer);
    helpers.abortSignal.removeEventListener("abort", onShutdown);
    // Only when the bookkeeping itself failed: the claims must not wait for their expiry.
    if (!settled) await releaseSyncClaims(db, { targetId: target.id, holder }).catch(() => {});
  }
}

/** The loop's view of the claimed target, as its kind sees it. */
function targetOf(row: ClaimedTarget): TargetState {
  return {
    id: row.id,
    kind: row.kind,
    subjectId: row.subject_id,
    pool: row.pool,
    intervalMs: row.interval_ms,
    lastSyncedAt: row.last_synced_at,
    consecutiveFailures: row.consecutive_failures,
  };
}

/**
 * A busy pool frees a slot about every pacing interval; retry around then (half to one and a
 * half times), within a quarter second and five seconds, so waiting jobs neither spin nor idle.
 */
function busyRetryDelayMs(poolIntervalMs: number | null): number {
  const base = Math.min(Math.max(poolIntervalMs ?? 1_000, 250), 5_000);
  return base * (0.5 + Math.random());
}

/** Puts the sync back in the queue under its key: the running job's key is released by graphile-worker. */
async function reenqueue(helpers: Helpers, payload: SyncTargetPayload, runAt: Date): Promise<void> {
  await helpers.addJob(SYNC_TASK, payload, {
    jobKey: `sync:${payload.targetId}`,
    jobKeyMode: "preserve_run_at",
    priority: helpers.job.priority,
    runAt,
  });
}

/** A pacing deferral, or a provider's 429 with a Retry-After, which pauses the target's pacing keys. */
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

/** The loop's error classes; a kind may name classes for errors of its own first. */
function classify(kind: SyncKind, error: unknown, timedOut: boolean): ErrorClassification {
  if (timedOut) return { errorClass: "transient", message: "Sync timed out and was aborted", auth: false };
  const byKind = kind.classify?.(error);
  if (byKind) return byKind;
  if (error instanceof ProviderError) {
    return {
      errorClass: error.kind,
      message: error.message,
      auth: error.status === 401 || error.status === 403,
    };
  }
  if (error instanceof SecretKeyError)
    return { errorClass: "permanent", message: error.message, auth: false };
  // Unknown errors (database hiccups, bugs) are retried: a retry is harmless because saving is idempotent.
  return {
    errorClass: "transient",
    message: error instanceof Error ? error.message : String(error),
    auth: false,
  };
}
