/**
 * vitest global setup: one Postgres and one provider sandbox for the whole run.
 * Test files get their own database cloned from a migrated template (see packages/db/src/testing.ts).
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type {} from "@synchub/db/testing";
import { startSandbox } from "@synchub/sandbox";
import type { TestProject } from "vitest/node";
import { prepareTemplateDatabase } from "./databases.ts";
import { freePort } from "./ports.ts";
import { makeScratchDir, type RunningPostgres, startEmbeddedPostgres } from "./postgres.ts";

export default async function setup(project: TestProject) {
  let postgres: RunningPostgres | undefined;
  let tempDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // /tmp is reachable by the postgres system user even when the checkout is not.
    tempDir = await makeScratchDir("synchub-test-pg-");
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(tempDir, "data"),
      port: await freePort(),
      ephemeral: true,
    });
    adminUrl = postgres.url;
  }
  const templateDatabase = await prepareTemplateDatabase(adminUrl);
  const sandbox = await startSandbox({ port: 0 });

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("sandboxUrl", sandbox.url);

  return async () => {
    await sandbox.close();
    await postgres?.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}
