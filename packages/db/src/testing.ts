/**
 * Test support: every test file gets its own database, cloned in milliseconds from the template
 * that the vitest global setup migrated once. No mocks: tests talk to a real Postgres.
 */
import { randomBytes } from "node:crypto";
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
