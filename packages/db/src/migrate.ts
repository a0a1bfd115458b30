import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Logger, runMigrations } from "graphile-worker";
import { type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Database } from "./client.ts";

/** db/migrations at the repository root: plain SQL files named NNNN_name.sql. */
export const migrationsDir = fileURLToPath(new URL("../../../db/migrations", import.meta.url));

/** Reads plain .sql files; Kysely's Migrator orders them by name and records what ran. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((file) => /^\d{4}_.+\.sql$/.test(file)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(path.join(this.dir, file), "utf8");
      migrations[file.replace(/\.sql$/, "")] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Brings the database up to date: graphile-worker's own schema first (our SQL functions call
 * into it), then db/migrations in order. Postgres DDL is transactional, so Kysely runs the
 * pending migrations in one transaction and a failing file leaves nothing half-applied.
 */
export async function migrateToLatest(
  db: Database,
  connectionString: string,
  /** Stop after this migration (its name without .sql), e.g. to test a later one's data carry-over. (Default: the last) */
  upTo?: string,
): Promise<MigrateResult> {
  await runMigrations({ connectionString, logger: silentLogger });
  const migrator = new Migrator({
    db,
    provider: new SqlFileMigrationProvider(migrationsDir),
    migrationTableSchema: "synchub",
    migrationTableName: "synchub_migrations",
    migrationLockTableName: "synchub_migrations_lock",
  });
  const { error, results } = upTo ? await migrator.migrateTo(upTo) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error");
    throw new Error(
      `Migration ${failed?.migrationName ?? "(unknown)"} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { applied: (results ?? []).map((result) => result.migrationName) };
}

const silentLogger = new Logger(() => () => {});
