/**
 * The whole synchub stack in one process on a fresh temporary database, for the browser tests:
 * embedded Postgres, migrations, demo data, provider sandbox, worker, and the server serving the
 * built admin on SYNCHUB_SERVER_PORT. Started by Playwright's webServer; stops on SIGINT/SIGTERM.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, migrateToLatest } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import { startSandbox } from "@synchub/sandbox";
import { startServer } from "@synchub/server";
import { startWorker } from "@synchub/worker";
import { ensureDatabase } from "./databases.ts";
import { freePort } from "./ports.ts";
import { makeScratchDir, startEmbeddedPostgres } from "./postgres.ts";
import { seedDemoData } from "./seed.ts";

const port = Number(process.env.SYNCHUB_SERVER_PORT ?? 4319);
const adminPassword = process.env.ADMIN_PASSWORD ?? "e2e-admin-password";
const encryptionKey = randomBytes(32).toString("base64");

const scratch = await makeScratchDir("synchub-e2e-");
const postgres = await startEmbeddedPostgres({
  dataDir: path.join(scratch, "data"),
  port: await freePort(),
  ephemeral: true,
});
const url = await ensureDatabase(postgres.url, "synchub");
const db = createDb({ connectionString: url, maxConnections: 2 });
await migrateToLatest(db, url);
const sandbox = await startSandbox({ port: 0 });
await seedDemoData(db, { sandboxUrl: sandbox.url, secrets: createSecretBox(encryptionKey) });
await db.destroy();

const worker = await startWorker({ connectionString: url, encryptionKey, handleSignals: false });
const server = await startServer({
  connectionString: url,
  encryptionKey,
  admin: { username: "admin", password: adminPassword },
  port,
  adminDist: fileURLToPath(new URL("../../../apps/admin/dist", import.meta.url)),
});
console.log(`synchub e2e stack ready on ${server.url}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  await worker.stop();
  await sandbox.close();
  await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
