import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required (pnpm dev sets it for the embedded Postgres)"),
  SYNCHUB_ENCRYPTION_KEY: z.string().min(1, "SYNCHUB_ENCRYPTION_KEY is required: 32 bytes, base64 or hex"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** How often each worker process reports itself alive. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Silence after which another worker releases a process's jobs. */
  WORKER_STALE_AFTER_MS: z.coerce.number().int().min(1_000).default(45_000),
  /** Days of run history kept; older runs are rolled up into counts, then deleted. */
  SYNCHUB_RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days a resolved or discarded dead letter is kept after it was closed. */
  SYNCHUB_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days of audit log kept. */
  SYNCHUB_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(365),
  /** Stripe secret key for the hourly subscription sync; unset turns the sync off. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** Stripe API origin; pnpm dev points it at the sandbox. (Default: https://api.stripe.com) */
  STRIPE_BASE_URL: z.url().optional(),
});

export type WorkerEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`The worker's environment is invalid:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
