/**
 * The one task wrapper (ENGINE.md): every task of the catalog is a `defineTask`. Each execution
 * gets a run row, a timeout with an abort signal and an error class; a transient failure is
 * retried after the task's policy delays, a permanent one or a spent policy goes to the dead
 * letters (replayable from the admin). graphile-worker's own attempts are never relied on: the
 * handler always completes its job and enqueues the retry itself.
 */
import { setMaxListeners } from "node:events";
import { ProviderError } from "@synchub/connectors";
import {
  fileDeadLetter,
  finishJobRun,
  isDatabaseUnavailable,
  type JobRunTrigger,
  resolveDeadLetter,
  startJobRun,
} from "@synchub/db";
import { errorFingerprint, type RetryPolicy, retryDelayMs, SecretKeyError } from "@synchub/domain";
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { TaskContext } from "../context.ts";
import { withHttpCallLog } from "./httpCalls.ts";

/** What a task's work may use. */
export type TaskServices = Pick<TaskContext, "db" | "retention">;

export interface TaskIO extends TaskServices {
  /** Aborted when the task's time is up or the worker shuts down. */
  signal: AbortSignal;
  /** The run row of this execution (ledger rows may point at it). */
  runId: string;
  trigger: JobRunTrigger;
  attempt: number;
}

export interface TaskDefinition<S extends z.ZodType = z.ZodType, R extends object = object> {
  id: string;
  /** The task's own payload fields; `trigger`, `attempt` and `deadLetterId` are the wrapper's. */
  payload: S;
  /** Longest one execution may take; it then fails as transient and is retried. */
  timeoutMs: number;
  /** Delays before each retry of a transient failure; when spent, a dead letter. */
  retry: RetryPolicy;
  /** Error classes for errors the wrapper does not know. (Default: transient) */
  classify?(error: unknown): "transient" | "permanent" | undefined;
  /** The work; its answer is the run's `results`. */
  run(payload: z.output<S>, io: TaskIO): Promise<R>;
}

export function defineTask<S extends z.ZodType, R extends object>(definition: TaskDefinition<S, R>) {
  return definition;
}

/** The fields every task's payload may carry besides its own. */
const envelope = z.object({
  trigger: z.enum(["schedule", "http", "manual", "qstash", "sql", "replay"]).default("schedule"),
  attempt: z.number().int().min(1).default(1),
  /** Set when the job replays a dead letter, which closes on success or reopens on failure. */
  deadLetterId: z.coerce.number().int().optional(),
  /**
   * The job of the first attempt: retries are new jobs, and every attempt's run keeps the first
   * one's id, which is what a schedule's ledger recorded for the occurrence.
   */
  firstJobId: z.string().optional(),
});

export type Execution<R> =
  | { runId: string; status: "succeeded"; results: R }
  | {
      runId: string;
      status: "failed";
      errorClass: "transient" | "permanent";
      error: string;
      shutdown: boolean;
    };

/**
 * One execution in a run row, under the task's timeout: what the worker's handler and an HTTP
 * caller (external schedulers) both run. Never throws for the task's own failure.
 */
export async function executeTask<S extends z.ZodType, R extends object>(
  definition: TaskDefinition<S, R>,
  services: TaskServices,
  payload: z.output<S>,
  options: {
    trigger: JobRunTrigger;
    attempt?: number;
    deadLetterId?: number;
    jobId?: string;
    signal?: AbortSignal;
  },
): Promise<Execution<R>> {
  const attempt = options.attempt ?? 1;
  const { db } = services;
  const runId = await startJobRun(db, definition.id, options.trigger, {
    attempt,
    deadLetterId: options.deadLetterId ?? null,
    jobId: options.jobId ?? null,
  });
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new TaskTimeout(`${definition.id} timed out after ${definition.timeoutMs / 1000} s`)),
    definition.timeoutMs,
  );
  const onShutdown = () => abort.abort(options.signal?.reason);
  if (options.signal) {
    setMaxListeners(0, options.signal);
    if (options.signal.aborted) onShutdown();
    else options.signal.addEventListener("abort", onShutdown, { once: true });
  }
  try {
    // The race makes the timeout hold even for work that does not listen to the signal.
    const results = await Promise.race([
      withHttpCallLog(db, runId, () =>
        definition.run(payload, {
          ...services,
          signal: abort.signal,
          runId,
          trigger: options.trigger,
          attempt,
        }),
      ),
      new Promise<never>((_, reject) => {
        if (abort.signal.aborted) reject(abort.signal.reason);
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
      }),
    ]);
    await finishJobRun(db, runId, {
      status: "succeeded",
      results: { ...(results as Record<string, unknown>) },
    });
    return { runId, status: "succeeded", results };
  } catch (error) {
    const shutdown = options.signal?.aborted === true;
    const errorClass = shutdown ? "transient" : classifyTaskError(definition, error);
    const message = shutdown
      ? "The worker shut down before the task finished; it runs again"
      : error instanceof Error
        ? error.message
        : String(error);
    await finishJobRun(db, runId, { status: "failed", error: message, errorClass });
    return { runId, status: "failed", errorClass, error: message, shutdown };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onShutdown);
  }
}

/** The graphile-worker handler of a defined task: execute, then retry by policy or dead-letter. */
export function taskHandler<S extends z.ZodType, R extends object>(
  definition: TaskDefinition<S, R>,
  ctx: TaskContext,
): Task {
  return async (raw, helpers) => {
    const meta = envelope.safeParse(raw ?? {});
    const own = definition.payload.safeParse(raw ?? {});
    if (!meta.success || !own.success) {
      // A payload this release cannot read (an old job, or one enqueued by hand) will not read
      // any better on a retry: straight to the dead letters, where an operator sees it.
      const issues = [...(meta.error?.issues ?? []), ...(own.error?.issues ?? [])];
      const error = `Invalid payload for ${definition.id}: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
      await deadLetter(definition, raw, helpers, { errorClass: "permanent", error, attempt: 1 });
      helpers.logger.error(error);
      return;
    }
    const { attempt, deadLetterId } = meta.data;
    const trigger = deadLetterId === undefined ? meta.data.trigger : "replay";
    const firstJobId = meta.data.firstJobId ?? String(helpers.job.id);
    const execution = await executeTask(definition, ctx, own.data, {
      trigger,
      attempt,
      jobId: firstJobId,
      ...(deadLetterId === undefined ? {} : { deadLetterId }),
      signal: helpers.abortSignal,
    });
    if (execution.status === "succeeded") {
      if (deadLetterId !== undefined) await resolveDeadLetter(ctx.db, deadLetterId);
      helpers.logger.info(`${definition.id}: ${JSON.stringify(execution.results)}`);
      return;
    }
    const next = { ...(raw as object), trigger: meta.data.trigger, firstJobId };
    if (execution.shutdown) {
      // Not the task's failure: the same attempt runs again on the next worker.
      await reenqueue(definition, helpers, next, new Date());
      return;
    }
    const delay = execution.errorClass === "transient" ? retryDelayMs(definition.retry, attempt) : null;
    if (delay !== null) {
      await reenqueue(definition, helpers, { ...next, attempt: attempt + 1 }, new Date(Date.now() + delay));
      helpers.logger.warn(
        `${definition.id} failed (transient, attempt ${attempt}); retrying in ${delay / 1000} s: ${execution.error}`,
      );
      return;
    }
    await deadLetter(definition, next, helpers, {
      errorClass: execution.errorClass,
      error: execution.error,
      attempt,
      ...(deadLetterId === undefined ? {} : { deadLetterId }),
    });
    helpers.logger.error(
      `${definition.id} failed for good (${execution.errorClass}), dead-lettered: ${execution.error}`,
    );
  };

  async function deadLetter(
    def: TaskDefinition<S, R>,
    payload: unknown,
    helpers: Parameters<Task>[1],
    failure: { errorClass: "transient" | "permanent"; error: string; attempt: number; deadLetterId?: number },
  ) {
    const {
      attempt: _attempt,
      deadLetterId: _replayOf,
      firstJobId: _firstJob,
      ...kept
    } = (payload ?? {}) as Record<string, unknown>;
    await fileDeadLetter(ctx.db, {
      task: def.id,
      payload: kept,
      jobKey: helpers.job.key ?? null,
      // Tasks run without named queues (graphile-worker's job row names only the queue's id).
      queueName: null,
      targetId: null,
      errorClass: failure.errorClass,
      error: failure.error,
      fingerprint: errorFingerprint(def.id, failure.errorClass, failure.error),
      attempts: failure.attempt,
      ...(failure.deadLetterId === undefined ? {} : { deadLetterId: failure.deadLetterId }),
      // Transient ones are tried again by the periodic dead-letter retry; permanent ones wait for a person.
      nextAutoRetryAt: failure.errorClass === "transient" ? new Date(Date.now() + 15 * 60_000) : null,
    });
  }
}

async function reenqueue(
  definition: TaskDefinition,
  helpers: Parameters<Task>[1],
  payload: object,
  runAt: Date,
): Promise<void> {
  await helpers.addJob(definition.id, payload, {
    runAt,
    priority: helpers.job.priority,
    maxAttempts: 1,
    ...(helpers.job.key ? { jobKey: helpers.job.key, jobKeyMode: "replace" as const } : {}),
  });
}

class TaskTimeout extends Error {}

/**
 * Error classes every task shares: a provider's own classification, keys that do not open
 * (permanent), timeouts and an unreachable database (transient); the task may name others first.
 */
function classifyTaskError(definition: TaskDefinition, error: unknown): "transient" | "permanent" {
  if (error instanceof TaskTimeout || isDatabaseUnavailable(error)) return "transient";
  const byTask = definition.classify?.(error);
  if (byTask) return byTask;
  if (error instanceof ProviderError) return error.kind;
  if (error instanceof SecretKeyError || isDataError(error)) return "permanent";
  return "transient";
}

/**
 * Postgres' data exceptions (class 22: a value out of range, bad input) and integrity violations
 * (class 23): the same statement over the same data fails the same way, so retrying is pointless
 * until someone fixes the data, and then replays the dead letter.
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23][0-9A-Z]{3}$/.test(code);
}
