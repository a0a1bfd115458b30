/**
 * The whole synchub stack in one process on a fresh temporary database, for the browser tests:
 * embedded Postgres, migrations, demo data, provider sandbox, worker, and the server serving the
 * built admin on SYNCHUB_SERVER_PORT. Started by Playwright's webServer, which stops it with
 * SIGTERM; it also stops when Playwright goes away without a word. Either way, and when starting
 * fails half-way, Postgres is stopped and the temporary folder removed.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, migrateToLatest } from "@synchub/db";
import { ensureDatabase } from "@synchub/dev/databases";
import { freePort } from "@synchub/dev/ports";
import {
  leaveSignalsToCaller,
  makeScratchDir,
  type RunningPostgres,
  startEmbeddedPostgres,
} from "@synchub/dev/postgres";
import { seedDemoData } from "@synchub/dev/seed";
import { createSecretBox } from "@synchub/domain";
import { type RunningSandbox, startSandbox } from "@synchub/sandbox";
import { startServer } from "@synchub/server";
import { startWorker } from "@synchub/worker";

const port = Number(process.env.SYNCHUB_SERVER_PORT);
if (!port)
  throw new Error("stack-server.ts needs SYNCHUB_SERVER_PORT (playwright.config.ts picks a free one)");
const adminPassword = process.env.ADMIN_PASSWORD ?? "e2e-admin-password";
const encryptionKey = randomBytes(32).toString("base64");

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // Last started, first stopped; Postgres and the temporary folder go last.
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(code);
}
leaveSignalsToCaller();
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
// Playwright killed without stopping us: our parent changes, and nobody else will clean up.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop(0), 1_000).unref();

try {
  const scratch = await makeScratchDir("synchub-e2e-");
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(scratch, "data"),
    port: await freePort(),
    ephemeral: true,
  });
  cleanups.push(() => postgres.stop());
  const url = await ensureDatabase(postgres.url, "synchub");
  const db = createDb({ connectionString: url, maxConnections: 2 });
  try {
    await migrateToLatest(db, url);
    const sandbox: RunningSandbox = await startSandbox({ port: 0 });
    cleanups.push(() => sandbox.close());
    await seedDemoData(db, { sandboxUrl: sandbox.url, secrets: createSecretBox(encryptionKey) });
  } finally {
    await db.destroy();
  }
  const worker = await startWorker({ connectionString: url, encryptionKey, handleSignals: false });
  cleanups.push(() => worker.stop());
  const server = await startServer({
    connectionString: url,
    encryptionKey,
    admin: { username: "admin", password: adminPassword },
    port,
    // SYNCHUB_ADMIN_DIST lets parallel runs each test their own build of the admin.
    adminDist:
      process.env.SYNCHUB_ADMIN_DIST ?? fileURLToPath(new URL("../../../apps/admin/dist", import.meta.url)),
  });
  cleanups.push(() => server.close());
  console.log(`synchub e2e stack ready on ${server.url}`);
} catch (error) {
  console.error(`synchub e2e stack failed to start: ${error instanceof Error ? error.stack : String(error)}`);
  await stop(1);
}
