import { replayDeadLetters } from "@synchub/db";
import { deadLetterAutoRetry } from "@synchub/domain";
import type { TaskContext } from "../context.ts";

/**
 * Periodic pass over the dead letters: transient failures due for another try are replayed
 * (at most 5 times each, 100 per pass). A replay that fails again reopens the same dead letter.
 */
export function retryDeadLetters(ctx: Pick<TaskContext, "db">): Promise<string[]> {
  return replayDeadLetters(
    ctx.db,
    { autoRetry: { maxRetries: deadLetterAutoRetry.maxRetries, limit: deadLetterAutoRetry.batchSize } },
    "system",
  );
}
