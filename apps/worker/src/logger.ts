import { Logger, type LogLevel } from "graphile-worker";
import pino from "pino";

/**
 * JSON logs: graphile-worker's scoped logger (worker id, job id, task) feeds pino, and tasks add
 * their own fields (run id, connection id). Nothing secret is passed to a logger.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info") {
  const root = pino({ level, base: { service: "synchub-worker" } });
  const graphileLogger = new Logger((scope) => {
    const child = root.child({
      ...(scope.workerId ? { workerId: scope.workerId } : {}),
      ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}),
      ...(scope.jobId ? { jobId: scope.jobId } : {}),
      ...(scope.label ? { label: scope.label } : {}),
    });
    return (logLevel: LogLevel, message: string, meta?: Record<string, unknown>) => {
      // graphile-worker attaches the whole job row; keep its identity, not its payload.
      if (meta && typeof meta.job === "object" && meta.job !== null) {
        const { id, task_identifier, attempts } = meta.job as Record<string, unknown>;
        meta = { ...meta, job: { id, task: task_identifier, attempts } };
      }
      const method = logLevel === "warning" ? "warn" : logLevel;
      child[
        method === "error" || method === "warn" || method === "info" || method === "debug" ? method : "info"
      ](meta ?? {}, message);
    };
  });
  return { root, graphileLogger };
}
