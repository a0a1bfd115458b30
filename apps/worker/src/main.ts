import { waitForDatabase, withDevSettings } from "@synchub/dev/settings";
import { readEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

// Under `pnpm dev` (turbo) without DATABASE_URL: the dev database and secrets. Elsewhere: the
// environment as given.
const env = readEnv(await withDevSettings(process.env, { app: "synchub worker" }));
await waitForDatabase(env.DATABASE_URL, { app: "synchub worker" });
const worker = await startWorker({
  connectionString: env.DATABASE_URL,
  encryptionKey: env.SYNCHUB_ENCRYPTION_KEY,
  concurrency: env.WORKER_CONCURRENCY,
  retention: {
    runDays: env.SYNCHUB_RUN_RETENTION_DAYS,
    closedDeadLetterDays: env.SYNCHUB_DEAD_LETTER_RETENTION_DAYS,
    auditDays: env.SYNCHUB_AUDIT_RETENTION_DAYS,
  },
  heartbeat: { intervalMs: env.WORKER_HEARTBEAT_MS, staleAfterMs: env.WORKER_STALE_AFTER_MS },
  // Signals are handled below: the process exits once the jobs are released.
  handleSignals: false,
  ...(env.STRIPE_SECRET_KEY === undefined
    ? {}
    : { stripe: { secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_BASE_URL } }),
});
console.log(`synchub worker running (concurrency ${env.WORKER_CONCURRENCY})`);

// One Ctrl-C often arrives twice (turbo signals the task's process group and tsx relays it to
// this process), so a repeat within 5 s is the same request; a later one means "now".
let stoppingSince: number | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 5_000) return;
      console.log(`synchub worker: ${signal} again, exiting without waiting for running jobs`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`synchub worker: ${signal}; releasing jobs (running ones get their abort signal)`);
    void worker.stop().then(() => process.exit(0));
  });
}
// Settles only once stopped: a database outage restarts the runner, it does not end the process.
await worker.promise;
