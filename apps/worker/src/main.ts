import { readEnv } from "./env.ts";
import { startWorker } from "./worker.ts";

const env = readEnv();
const worker = await startWorker({
  connectionString: env.DATABASE_URL,
  encryptionKey: env.SYNCHUB_ENCRYPTION_KEY,
  concurrency: env.WORKER_CONCURRENCY,
});
console.log(`synchub worker running (concurrency ${env.WORKER_CONCURRENCY})`);
await worker.promise;
