import { readEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

const env = readEnv();
const worker = await startWorker({
  connectionString: env.DATABASE_URL,
  encryptionKey: env.SYNCHUB_ENCRYPTION_KEY,
  concurrency: env.WORKER_CONCURRENCY,
  heartbeat: { intervalMs: env.WORKER_HEARTBEAT_MS, staleAfterMs: env.WORKER_STALE_AFTER_MS },
  ...(env.STRIPE_SECRET_KEY === undefined
    ? {}
    : { stripe: { secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_BASE_URL } }),
});
console.log(`synchub worker running (concurrency ${env.WORKER_CONCURRENCY})`);
await worker.promise;
