import type { JobHelpers } from "graphile-worker";
import type { TaskContext } from "../context.ts";
import { runTarget, type SyncConnectionPayload, type SyncOutcome } from "../engine/runTarget.ts";
import { llmCosts } from "../kinds/llmCosts.ts";

export { type SyncConnectionPayload, type SyncOutcome, syncConnectionPayload } from "../engine/runTarget.ts";
export { watermarkDay } from "../kinds/llmCosts.ts";

/** S1's sync of one connection: the `llm.costs` kind run by the one loop. */
export function syncConnection(
  ctx: TaskContext,
  payload: SyncConnectionPayload,
  helpers: Pick<JobHelpers, "job" | "abortSignal" | "logger" | "addJob">,
): Promise<SyncOutcome> {
  return runTarget(ctx, llmCosts, payload, helpers);
}
