/**
 * Regenerates packages/db/src/generated.ts from the migrated schema (`pnpm db:types`).
 * A test runs kysely-codegen with --verify so the types can never drift from the SQL.
 */
import { execFileSync } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dumpSchema } from "@synchub/db/schema-dump";
import { prepareTemplateDatabase, withDatabase } from "./databases.ts";
import { freePort } from "./ports.ts";
import { makeScratchDir, startEmbeddedPostgres } from "./postgres.ts";

const schemaFile = fileURLToPath(new URL("../../../db/schema.sql", import.meta.url));

export const generatedTypesFile = fileURLToPath(
  new URL("../../../packages/db/src/generated.ts", import.meta.url),
);

// Check constraints are not introspected, so their value sets are restated here as unions.
const columnOverrides = {
  "sync_targets.status": 'Generated<"active" | "paused">',
  "sync_targets.sync_status": 'Generated<"pending" | "running" | "ok" | "failed">',
  "sync_targets.sync_error_class": '"transient" | "permanent" | null',
  "tenants.tier": '"enterprise" | "pro" | "free"',
  "runs.status": 'Generated<"running" | "succeeded" | "failed" | "deferred">',
  "runs.trigger": '"schedule" | "manual" | "sql" | "created" | "replay" | "webhook" | "http" | "qstash"',
  "runs.error_class": '"transient" | "permanent" | null',
  "users.role": '"viewer" | "operator" | "admin"',
  "dead_letters.error_class": '"transient" | "permanent"',
  "dead_letters.status": 'Generated<"open" | "replaying" | "resolved" | "discarded">',
  "schedules.missed_policy": 'Generated<"skip" | "once" | "all">',
  "schedule_occurrences.source": '"schedule" | "manual" | "catch_up"',
  "schedule_occurrences.status": '"enqueued" | "skipped"',
  "subscriptions.status": 'Generated<"active" | "past_due" | "canceled">',
  "credit_batches.source": '"grant" | "purchase" | "adjustment"',
  "credit_ledger.reason": '"grant" | "expire" | "purchase" | "consume" | "adjustment"',
  "api_tokens.role": '"viewer" | "operator" | "admin"',
  "quota_accounts.alert_level": '"warning" | "critical" | null',
  "quota_accounts.subscription_status":
    '"active" | "trialing" | "past_due" | "unpaid" | "canceled" | "incomplete" | "incomplete_expired" | "paused" | "unknown" | null',
  "quota_alerts.metric": '"uploads" | "aiRequests" | "storageBytes"',
  "quota_alerts.level": '"warning" | "critical"',
};

export function kyselyCodegenArgs(url: string, outFile: string): string[] {
  return [
    "exec",
    "kysely-codegen",
    `--url=${url}`,
    "--dialect=postgres",
    "--include-pattern=synchub.*",
    "--exclude-pattern=synchub.synchub_migration*",
    "--default-schema=synchub",
    "--date-parser=string",
    `--overrides=${JSON.stringify({ columns: columnOverrides })}`,
    `--out-file=${outFile}`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await makeScratchDir("synchub-codegen-");
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, "data"),
    port: await freePort(),
    ephemeral: true,
  });
  try {
    const template = await prepareTemplateDatabase(postgres.url);
    const url = withDatabase(postgres.url, template);
    execFileSync("pnpm", kyselyCodegenArgs(url, generatedTypesFile), {
      cwd: fileURLToPath(new URL("../../../packages/db", import.meta.url)),
      stdio: "inherit",
    });
    await writeFile(schemaFile, await dumpSchema(url));
    console.log(`Wrote ${schemaFile}`);
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
