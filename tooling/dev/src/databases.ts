import { createDb, migrateToLatest } from "@synchub/db";
import pg from "pg";

const TEMPLATE = "synchub_test_template";

/** Creates (or recreates) the template database and migrates it once for the whole test run. */
export async function prepareTemplateDatabase(adminUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE} with (force)`);
    await admin.query(`create database ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, TEMPLATE);
  const db = createDb({ connectionString: url, maxConnections: 2 });
  try {
    await migrateToLatest(db, url);
  } finally {
    await db.destroy();
  }
  return TEMPLATE;
}

/** Creates the database unless it exists; returns its connection string. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [database]);
    if (!rowCount) await admin.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, database);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
