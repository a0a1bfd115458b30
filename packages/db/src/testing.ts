/**
 * Test support: every test file gets its own database, cloned in milliseconds from the template
 * that the vitest global setup migrated once. No mocks: tests talk to a real Postgres.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Database } from "./client.ts";

export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const template = inject("templateDatabase");
  const name = `synchub_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb({ connectionString: url.toString(), maxConnections: 5 });
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Connection string of a server where test files may create databases. */
    postgresAdminUrl: string;
    /** Name of the migrated template database to clone. */
    templateDatabase: string;
    /** Base URL of the provider sandbox. */
    sandboxUrl: string;
  }
}

/**
 * A connection (and so its llm.costs target, same id) in a new tenant. Paused ones get no first
 * sync: the job its insert enqueued is dropped.
 */
export async function insertTestConnection(
  db: Database,
  options: { status?: "active" | "paused"; provider?: string; credentialsEncrypted?: string } = {},
): Promise<string> {
  const tenant = await db
    .insertInto("tenants")
    .values({ name: "T", tier: "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto("connections")
    .values({
      tenant_id: tenant.id,
      provider: options.provider ?? "openai",
      name: "c",
      base_url: null,
      credentials_encrypted: options.credentialsEncrypted ?? "v2.x.y.z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if ((options.status ?? "active") === "paused") {
    await db.updateTable("sync_targets").set({ status: "paused" }).where("id", "=", row.id).execute();
    await sql`select graphile_worker.remove_job(${`sync:${row.id}`})`.execute(db);
  }
  return row.id;
}
