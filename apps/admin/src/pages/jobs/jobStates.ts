import type { Tone } from "../../components/ui.tsx";
import type { RouterOutputs } from "../../trpc.ts";

export type Job = RouterOutputs["jobs"]["list"]["items"][number];
export type JobCounts = RouterOutputs["jobs"]["summary"][number];

/** graphile-worker's job states, as @synchub/db's JOB_STATES names them. */
export const jobStates = [
  "waiting",
  "delayed",
  "locked",
  "failed",
] as const satisfies readonly Job["state"][];
export type JobState = (typeof jobStates)[number];

export const stateTones: Record<JobState, Tone> = {
  waiting: "info",
  delayed: "neutral",
  locked: "accent",
  failed: "danger",
};

export const stateHints: Record<JobState, string> = {
  waiting: "due, waiting for a free worker",
  delayed: "scheduled later, or a retry waiting out its backoff",
  locked: "held by a worker: running now",
  failed: "out of attempts, kept until retried or removed",
};
