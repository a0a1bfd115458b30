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

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
