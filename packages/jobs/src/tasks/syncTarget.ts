import type { JobHelpers } from "graphile-worker";
import type { TaskContext } from "../context.ts";
import { runTarget, type SyncOutcome, type SyncTargetPayload } from "../engine/runTarget.ts";
import "../kinds/index.ts";

export { type SyncOutcome, type SyncTargetPayload, syncTargetPayload } from "../engine/runTarget.ts";
export { watermarkDay } from "../kinds/llmCosts.ts";

/** `sync.target`: one sync of one target, of whatever kind, run by the one loop. */
export function syncTarget(
  ctx: TaskContext,
  payload: SyncTargetPayload,
  helpers: Pick<JobHelpers, "job" | "abortSignal" | "logger" | "addJob">,
): Promise<SyncOutcome> {
  return runTarget(ctx, payload, helpers);
}
